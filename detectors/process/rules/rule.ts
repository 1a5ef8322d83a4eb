import { baseName } from '../shell-parse.js';
import type { Subject } from '../subject.js';
import type { Category, Evidence, Severity } from '../types.js';

/** One detection rule: a name that says what it looks for, and the evidence when it matches. */
export interface Rule {
  /** Kebab-case, stable: it is a metric label and an allow-list key. */
  readonly name: string;
  readonly category: Category;
  readonly severity: Severity;
  /** The MITRE ATT&CK techniques (`T1059.004`) whose evidence the rule reads; the README's coverage table lists them. */
  readonly techniques: readonly string[];
  match(subject: Subject): Evidence | undefined;
}

/** Several rules ask for the files a subject writes; it is computed once per subject. */
const writtenBySubject = new WeakMap<Subject, string[]>();

/** Words that write their output to a file argument (beside shell redirections). */
const FILE_WRITERS = new Set(['tee', 'cp', 'mv', 'install', 'ln', 'dd', 'rsync', 'sed', 'perl', 'curl', 'wget', 'lwp-download', 'find', 'scp', 'rlwrap', 'script', 'update-alternatives']);
/** A tar rename expression whose replacement is an absolute path: `s@.*@/etc/x@`. Group 2 is the path. */
const TAR_RENAME = /^s(.).*?\1(\/.*?)\1[gixSHR]*$/s;
/** Container clients whose `cp` copies between a container and the host. */
export const CONTAINER_COPY_CLIENTS = /^(?:docker|podman|nerdctl|kubectl|oc)$/;
/** Options whose value is the file a program writes (`curl -o`, `wget -O`, `find -fprintf`, `openssl -out`). */
const OUTPUT_OPTIONS: Readonly<Record<string, RegExp>> = {
  curl: /^(?:-o|--output)$/, rlwrap: /^(?:-l|--logfile)$/, wget: /^(?:-O|--output-document|-o|--output-file|-a|--append-output)$/, find: /^-fprintf$|^-fprint0?$/,
};
/**
 * Interpreter code that writes a literal path: `open("/etc/x","w")` (Python, Lua's io.open, Ruby), `file_put_contents`,
 * `writeFileSync`, `File.write`, awk's `print > "/etc/x"`, sed's `w /etc/x`. Group 1 is the path.
 */
const CODE_WRITES = [
  /\bopen\s*\(\s*["'](\/[^"'\s]+)["']\s*,\s*["'][wa+]/g, /(?:file_put_contents|writeFileSync|writeFile|appendFileSync|File\.write|IO\.write|File\.open)\s*\(\s*["'](\/[^"'\s]+)["']/g,
  /\bprint[^>|;]*>>?\s*["'](\/[^"'\s]+)["']/g, /(?:^|[\s'";]|\/[gpI\d]*)w\s+(\/[^\s'";]+)/g, /\$\(file\s+>>?\s*(\/[^,)\s]+)/g, /FileWriter\s*\(\s*["'](\/[^"']+)["']/g,
  // PowerShell's cmdlets, and a path given just before an opening mode (`open(f -> ..., "/etc/x", "w")` in Julia).
  // gdb's `dump value FILE`, socat's `open:FILE`/`create:FILE` address, sqlite3's `.output FILE`/`.once FILE`.
  // TeX's `\openout\f=/etc/x` (GTFOBins' latex and pdflatex file-write).
  /\\openout\\?\w*\s*=\s*(\/[^\s\\{}]+)/g,
  /\bdump\s+(?:value|memory|binary\s+\w+)\s+["']?(\/[^"'\s]+)/g, /\b(?:open|create|creat):(\/[^,\s'"]+)/gi, /\.(?:output|once)\s+["']?(\/[^"'\s;]+)/g,
  /\b(?:Out-File|Set-Content|Add-Content)\s+(?:-\w+\s+)*["']?(\/[^"'\s;|]+)/gi, /["'](\/[^"'\s]+)["']\s*,\s*["'][wa]\+?["']\s*\)/g,
  // Puppet's `file { "/x": content => ... }` resource.
  /\bfile\s*\{\s*["'](\/[^"']+)["']\s*:/g,
  // Node's `createWriteStream("/x")`, Perl's `open(my $f, ">", "/x")` and `open(F, ">/x")`.
  /createWriteStream\s*\(\s*["'](\/[^"'\s]+)["']/g, /\bopen\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*["']>{1,2}["']\s*,\s*["'](\/[^"'\s]+)["']/g, /\bopen\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*["']>{1,2}\s*(\/[^"'\s]+)["']/g,
];
/** Options whose path value any program writes to (`sort -o`, `iconv -o`, `gcc -o`, `--dump-bin`, `--junit-xml`, `--log-file`, `nmap -oN`). */
const ANY_OUTPUT_OPTION = /^(?:-o|-w|-out|-keyout|-o[NXGAS]|-{1,2}[\w-]*(?:output|outfile|dump|report|xml|log-?file|save-to)[\w-]*)$/i;
/** The same options with the path attached (`--output=/x`, `-oG=/x`), and exiftool's rename (`-filename=/x`). */
const ATTACHED_OUTPUT_OPTION = /^(-{1,2}[\w-]+)=([/~].*)$/;
/** Output options one program gives a meaning of its own (`logrotate -l LOG`, `ssh-copy-id -t TARGET`, `screen -L LOG`). */
const PROGRAM_OUTPUT_OPTIONS: Readonly<Record<string, RegExp>> = { logrotate: /^(?:-l|--log)$/, 'ssh-copy-id': /^-t$/, screen: /^-L$/ };
/** script(1)'s options that take a value; its operand is the typescript it writes. */
const SCRIPT_VALUE_OPTION = /^(?:-c|--command|-E|--echo|-T|--log-timing|-I|--log-in|-O|--log-out|-B|--log-io|-m|--logging-format)$/;

/**
 * The files a command line writes to: redirection targets (`>`, `>>`, `&>`), the destinations of tee, cp, mv,
 * install, ln, dd, rsync, scp and lwp-download, script's typescript, update-alternatives' link, the files `sed -i`/`perl
 * -pi` edit in place, output options (separate or attached with `=`), tar's renames to an absolute path, the path after
 * a piped program's `-`, and quoted paths that inline interpreter code opens for writing. Reading (`<`) is not writing.
 */
function writtenFiles(subject: Subject): readonly string[] {
  const known = writtenBySubject.get(subject);
  if (known) return known;
  const files: string[] = [];
  for (const inv of subject.invocations) {
    for (const r of inv.command.redirects) if (/>/.test(r.op) && !/^[0-9]*>&$/.test(r.op) && r.target) files.push(r.target);
    if (FILE_WRITERS.has(inv.program)) files.push(...writtenByProgram(inv.program, inv.args));
    // `docker cp c:/x /etc/y`, `kubectl cp ns/pod:/x /etc/y`: a file copied out of a container onto the host.
    else if (CONTAINER_COPY_CLIENTS.test(inv.program) && inv.args[0] === 'cp') files.push(...writtenByProgram('cp', inv.args.slice(1)));
    // Read from the whole command, launchers included (`screen -L -Logfile /etc/x ...`).
    else files.push(...optionOutputs(inv.command.argv), ...(inv.program === 'tar' ? tarRenames(inv.args) : []));
    // `... | sudo xxd -r - /etc/cron.d/x`: a program reading the pipe (`-`) with a path after it writes that path (GTFOBins file-write).
    // A shell's `-` ends its options; what follows are the piped script's arguments (`curl ... | sh -s - --token-file /x`).
    const dash = inv.command.pipedFrom && !/^(?:sh|bash|dash|zsh|ash|ksh)$/.test(inv.program) ? inv.args.indexOf('-') : -1;
    const after = dash >= 0 ? inv.args.slice(dash + 1).filter((a) => /^[/~]/.test(a)) : [];
    if (after.length > 0 && !FILE_WRITERS.has(inv.program)) files.push(after[after.length - 1]);
  }
  for (const pattern of CODE_WRITES) files.push(...[...subject.text.matchAll(pattern)].map((m) => m[1]));
  writtenBySubject.set(subject, files);
  return files;
}

/** Paths given to output options anywhere in a command: `-o /x`, `--output=/x`, and the program-specific ones of the programs in it. */
function optionOutputs(argv: readonly string[]): string[] {
  const own = argv.map((w) => PROGRAM_OUTPUT_OPTIONS[baseName(w)]).filter((o) => o !== undefined);
  const isOutput = (option: string): boolean => ANY_OUTPUT_OPTION.test(option) || own.some((o) => o.test(option));
  const separate = argv.filter((a, i) => i > 0 && isOutput(argv[i - 1]) && /^[/~]/.test(a));
  const attached = argv.map((a) => ATTACHED_OUTPUT_OPTION.exec(a)).filter((m) => m !== null && (isOutput(m[1]) || /^-filename$/i.test(m[1]))).map((m) => m![2]);
  return [...separate, ...attached];
}

/** `tar Pxf x.tar --xform 's@.*@/etc/ld.so.preload@'`: with absolute names kept, a rename to a path is where the member lands. */
function tarRenames(args: readonly string[]): string[] {
  const absolute = /^[a-zA-Z]*P/.test(args[0] ?? '') || args.some((a) => /^-[a-zA-Z]*P/.test(a) || a === '--absolute-names');
  if (!absolute) return [];
  const expressions = args.map((a, i) => (/^--(?:xform|transform)=/.test(a) ? a.replace(/^[^=]*=/, '') : /^--(?:xform|transform)$/.test(args[i - 1] ?? '') ? a : ''));
  return expressions.map((e) => TAR_RENAME.exec(e)?.[2]).filter((path): path is string => path !== undefined);
}

function writtenByProgram(program: string, args: readonly string[]): string[] {
  const operands = args.filter((a, i) => !a.startsWith('-') && !(OUTPUT_OPTIONS[program]?.test(args[i - 1] ?? '') ?? false));
  const options = OUTPUT_OPTIONS[program];
  const outputs = options ? args.filter((_, i) => i > 0 && options.test(args[i - 1])) : [];
  if (program === 'tee') return operands;
  if (program === 'dd') return operands.filter((a) => a.startsWith('of=')).map((a) => a.slice(3));
  // `sed -i 's/a/b/' FILE...`, `perl -pi -e '...' FILE...`: every operand after the script is edited in place.
  if (program === 'sed' || program === 'perl') return args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place')) ? operands.slice(program === 'sed' && !args.some((a) => a === '-e' || a.startsWith('--expression')) ? 1 : 0).filter((a) => a.startsWith('/') || a.startsWith('~')) : [];
  if (program === 'curl' || program === 'wget' || program === 'find' || program === 'rlwrap') return outputs;
  if (program === 'script') return args.filter((a, i) => !a.startsWith('-') && !SCRIPT_VALUE_OPTION.test(args[i - 1] ?? '')).slice(-1);
  // `update-alternatives --install LINK NAME PATH PRIORITY` writes the link.
  if (program === 'update-alternatives') return args.filter((_, i) => args[i - 1] === '--install');
  return operands.length >= 2 ? [operands[operands.length - 1]] : [];
}

/** The first written file matching `pattern`, as evidence. */
export function writesTo(subject: Subject, pattern: RegExp): Evidence | undefined {
  const file = writtenFiles(subject).find((f) => pattern.test(f.replace(/^~|^\$HOME\b|^\$\{HOME\}/, '/root')));
  return file === undefined ? undefined : { writes: file };
}
