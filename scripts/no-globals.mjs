// The script tag may add no globals but its two element names. Lit, nanostores and zod
// each register a property on globalThis (version lists, shared metadata, an epoch
// counter, a config object) so that several copies of them can find each other; inside
// our self-contained bundle nothing needs that. This plugin rewrites those few lines to
// module-local values. Each rewrite must match, so a library upgrade that moves them
// fails the build here instead of quietly adding a global (the strict-page test checks too).

const rewrites = [
  {
    file: /@lit[\\/]reactive-element[\\/]reactive-element\.js$/,
    // Decorator metadata: a module-local map serves our undecorated elements.
    replace: [
      [',a.litPropertyMetadata??=new WeakMap;', ';'],
      ['litPropertyMetadata.get(t)', 'void 0'],
      [',(a.reactiveElementVersions??=[]).push("2.1.2")', ''],
    ],
  },
  { file: /lit-element[\\/]lit-element\.js$/, replace: [['(s.litElementVersions??=[]).push("4.2.2");', '']] },
  { file: /lit-html[\\/]lit-html\.js$/, replace: [[',(t.litHtmlVersions??=[]).push("3.3.3")', '']] },
  { file: /nanostores[\\/]atom[\\/]index\.js$/, replace: [['(globalThis.nanostoresGlobal ||= { epoch: 0 })', '{ epoch: 0 }']] },
  {
    file: /zod[\\/]v4[\\/]core[\\/]core\.js$/,
    replace: [
      ['globalThis.__zod_globalConfig?.postProcessor', 'globalConfig.postProcessor'],
      ['(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});', ''],
      ['export const globalConfig = globalThis.__zod_globalConfig;', 'export const globalConfig = {};'],
    ],
  },
];

export const noGlobalsPlugin = {
  name: 'recs-no-globals',
  transform(code, id) {
    const rule = rewrites.find((each) => each.file.test(id));
    if (!rule) return null;
    for (const [from, to] of rule.replace) {
      if (!code.includes(from)) throw new Error(`no-globals: "${from}" not found in ${id}; update scripts/no-globals.mjs for this library version`);
      code = code.replace(from, to);
    }
    return { code, map: null };
  },
};
