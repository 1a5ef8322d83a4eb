/**
 * `--name value` options of the npm scripts: every one of `names` at most once, each with a value; anything else is
 * an error that shows `usage`.
 */
export function parseOptions(argv: readonly string[], names: readonly string[], usage: string): Record<string, string | undefined> {
  const options: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (!names.includes(name)) throw new Error(`unknown option ${name}; usage: ${usage}`);
    if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
    options[name] = value;
  }
  return options;
}
