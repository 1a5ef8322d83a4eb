/**
 * What the compiled detector program imports, read from the TypeScript sources as tsc emits them: imports used only
 * as types are gone, so what remains is what Node loads. Static imports load with the module; `import()` on demand.
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

export interface ModuleImports {
  readonly static: readonly string[];
  readonly dynamic: readonly string[];
}

/** The specifiers one source file imports once compiled. */
export function importsOf(file: string): ModuleImports {
  const source = readFileSync(file, 'utf8');
  const emitted = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const found = { static: [] as string[], dynamic: [] as string[] };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.static.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0])) {
      found.dynamic.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, emitted, ts.ScriptTarget.ES2022));
  return found;
}

/** The npm package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for Node's own modules. */
export function packageOf(specifier: string): string | undefined {
  if (isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export interface ModuleGraph {
  /** Source files reached. */
  readonly files: ReadonlySet<string>;
  /** npm packages imported by them. */
  readonly packages: ReadonlySet<string>;
}

/** Everything `entry` loads: through static imports, and through `import()` too when `followDynamic`. */
export function moduleGraph(entry: string, followDynamic: boolean): ModuleGraph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const imports = importsOf(file);
    for (const specifier of [...imports.static, ...(followDynamic ? imports.dynamic : [])]) {
      if (specifier.startsWith('.')) walk(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else {
        const name = packageOf(specifier);
        if (name) packages.add(name);
      }
    }
  };
  walk(resolve(entry));
  return { files, packages };
}
