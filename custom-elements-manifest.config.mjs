import { readFileSync } from 'node:fs';
// custom-elements.json from the classes' JSDoc (`npm run manifest`, also run by `npm run build`).
// The class JSDoc (@fires, @slot, @csspart, @cssproperty, property comments) is the source;
// the plugins below only teach the analyzer three things about how this code is written:
//   1. attribute names come from `static properties`, including helper calls such as
//      `stringAttribute('api-key')` and constants such as `numberAttribute`; `state: true`
//      properties are internal, and Lit's default attribute name is the lowercased property
//      (the kebab-cased one inside `kebabAttributes({ … })`);
//   2. tag names come from define.ts's `HTMLElementTagNameMap` (it defines in a loop);
//   3. private members (`#name`) are not public API and are left out;
//   4. the request fields' properties and attributes come from the field table
//      (src/model/fields.ts, REQUEST_FIELDS), each documented by its comment there.

/** Evaluates the small subset of TypeScript that property declarations use; undefined when unsure. */
function evaluate(ts, node, sourceFile, scope = new Map()) {
  if (!node) return undefined;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression?.(node)) return evaluate(ts, node.expression, sourceFile, scope);
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isIdentifier(node)) {
    if (scope.has(node.text)) return scope.get(node.text);
    if (['Number', 'Boolean', 'String', 'Object', 'Array'].includes(node.text)) return { type: node.text };
    const declaration = findModuleConst(ts, sourceFile, node.text);
    return declaration ? evaluate(ts, declaration, sourceFile) : { unresolved: node.text };
  }
  if (ts.isObjectLiteralExpression(node)) {
    const result = {};
    for (const property of node.properties) {
      if (ts.isPropertyAssignment(property)) result[property.name.getText(sourceFile)] = evaluate(ts, property.initializer, sourceFile, scope);
      else if (ts.isShorthandPropertyAssignment(property)) result[property.name.text] = evaluate(ts, property.name, sourceFile, scope);
      else if (ts.isSpreadAssignment(property)) Object.assign(result, evaluate(ts, property.expression, sourceFile, scope));
      else if (ts.isMethodDeclaration(property)) result[property.name.getText(sourceFile)] = { function: true };
    }
    return result;
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return { function: node };
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
    const callee = evaluate(ts, node.expression, sourceFile, scope)?.function;
    if (!callee || callee === true) return undefined;
    const inner = new Map(scope);
    callee.parameters.forEach((parameter, index) => inner.set(parameter.name.getText(sourceFile), evaluate(ts, node.arguments[index], sourceFile, scope)));
    const body = ts.isBlock(callee.body) ? callee.body.statements.find(ts.isReturnStatement)?.expression : callee.body;
    return evaluate(ts, body, sourceFile, inner);
  }
  return undefined;
}

function findModuleConst(ts, sourceFile, name) {
  for (const statement of sourceFile.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (declaration.name.getText(sourceFile) === name) return declaration.initializer;
    }
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return { function: statement };
  }
  return undefined;
}

/** 1. Attribute names and internal state from `static properties`, after the Lit plugin has run. */
function litStaticPropertiesPlugin() {
  return {
    name: 'recs-static-properties',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const declaration = moduleDoc.declarations?.find((each) => each.name === node.name.text);
      const member = node.members.find((each) => ts.isPropertyDeclaration(each) && each.name.getText() === 'properties' && each.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.StaticKeyword));
      // `kebabAttributes({ … })` (src/elements/recs-element.ts): attributes default to the kebab-cased property name.
      const kebab = member?.initializer && ts.isCallExpression(member.initializer) && member.initializer.expression.getText() === 'kebabAttributes';
      const literal = kebab ? member.initializer.arguments[0] : member?.initializer;
      if (!declaration || !literal || !ts.isObjectLiteralExpression(literal)) return;
      const sourceFile = node.getSourceFile();
      for (const property of literal.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const name = property.name.getText(sourceFile);
        const options = evaluate(ts, property.initializer, sourceFile) ?? {};
        const field = declaration.members?.find((each) => each.name === name);
        declaration.attributes = (declaration.attributes ?? []).filter((attribute) => attribute.fieldName !== name);
        if (options.state === true) {
          // Internal reactive state: neither an attribute nor public API.
          declaration.members = declaration.members?.filter((each) => each !== field);
          continue;
        }
        if (!field) continue;
        // The analyzer's own Lit plugin marks declared properties public; it reads only a literal.
        if (kebab) field.privacy ??= 'public';
        if (options.attribute === false) {
          delete field.attribute;
          continue;
        }
        const attributeName = typeof options.attribute === 'string' ? options.attribute : kebab ? name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`) : name.toLowerCase();
        field.attribute = attributeName;
        if (options.reflect === true) field.reflects = true;
        const typeText = field.type?.text ?? (options.type?.type ? options.type.type.toLowerCase() : undefined);
        const attribute = { name: attributeName, fieldName: name };
        if (typeText) attribute.type = { text: typeText };
        if (field.description) attribute.description = field.description;
        if (field.default !== undefined) attribute.default = field.default;
        declaration.attributes.push(attribute);
      }
    },
  };
}

/** 4. Request fields from src/model/fields.ts: `productIds: { kind: 'list', property: 'productId' }` is the `product-id` attribute. */
function fieldTablePlugin() {
  return {
    name: 'recs-field-table',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isClassDeclaration(node) || node.name?.text !== 'RecsElement') return;
      const declaration = moduleDoc.declarations?.find((each) => each.name === 'RecsElement');
      if (!declaration) return;
      const path = new URL('./src/model/fields.ts', import.meta.url);
      const source = ts.createSourceFile(path.pathname, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
      const table = findModuleConst(ts, source, 'REQUEST_FIELDS');
      const literal = table && ts.isAsExpression(table) ? table.expression : table;
      for (const entry of literal?.properties ?? []) {
        const field = entry.name.getText(source);
        const spec = evaluate(ts, entry.initializer, source) ?? {};
        if (spec.kind === 'cart' || spec.element === 0) continue;
        const name = spec.property ?? field;
        const attribute = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
        const description = ts.getJSDocCommentsAndTags(entry).map((doc) => ts.getTextOfJSDocComment(doc.comment)).join(' ');
        const type = { text: spec.kind === 'number' ? 'number | undefined' : 'string | undefined' };
        declaration.members = [...(declaration.members ?? []).filter((member) => member.name !== name), { kind: 'field', name, type, description, attribute, privacy: 'public' }];
        declaration.attributes = [...(declaration.attributes ?? []).filter((each) => each.name !== attribute), { name: attribute, fieldName: name, type, description }];
      }
    },
  };
}

/** 2. Tag names from `interface HTMLElementTagNameMap { 'recs-list': RecsList }`. */
function tagNameMapPlugin() {
  const tags = new Map(); // class name -> tag
  return {
    name: 'recs-tag-name-map',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'HTMLElementTagNameMap') return;
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeReferenceNode(member.type)) continue;
        tags.set(member.type.typeName.getText(), { tag: member.name.getText().replace(/^['"]|['"]$/g, ''), definedIn: moduleDoc.path });
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      const classes = new Map();
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) if (declaration.kind === 'class') classes.set(declaration.name, { declaration, module: module.path });
      }
      for (const [className, { tag, definedIn }] of tags) {
        const found = classes.get(className);
        if (!found) continue;
        found.declaration.tagName ??= tag;
        found.declaration.customElement = true;
        const definer = customElementsManifest.modules.find((module) => module.path === definedIn);
        if (!definer) continue;
        // The analyzer reads `customElements.define(name, element)` in a loop literally; replace that guess.
        definer.exports = (definer.exports ?? []).filter((entry) => entry.kind !== 'custom-element-definition' || classes.has(entry.declaration?.name));
        if (!definer.exports.some((entry) => entry.kind === 'custom-element-definition' && entry.name === tag)) {
          definer.exports.push({ kind: 'custom-element-definition', name: tag, declaration: { name: className, module: found.module } });
        }
      }
    },
  };
}

/** 3. `#private` members are implementation, not API. */
function hidePrivatePlugin() {
  return {
    name: 'recs-hide-private',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.members) declaration.members = declaration.members.filter((member) => member.privacy !== 'private' && !member.name.startsWith('#'));
        }
      }
    },
  };
}

export default {
  globs: ['src/elements/*.ts', 'src/define.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [litStaticPropertiesPlugin(), fieldTablePlugin(), tagNameMapPlugin(), hidePrivatePlugin()],
};
