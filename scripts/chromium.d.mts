import type { LaunchOptions } from 'playwright-core';

export declare const executablePath: string;
export declare function chromiumLaunchOptions(options?: { ignore?: string[] }): Promise<LaunchOptions & { executablePath: string; args: string[]; ignoreDefaultArgs: string[] }>;
