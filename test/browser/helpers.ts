/** Shared by the browser tests: unique ids for stub routes and what a stub received. */
let counter = 0;
export const uid = (label = 't') => `${label}${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export async function received(id: string): Promise<ReceivedRequest[]> {
  return (await fetch(`/stub/log/${id}`)).json();
}

export const never = new AbortController().signal;
