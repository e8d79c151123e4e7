// Test double: ps(1) as FreeBSD prints it, for the fake host. Implements the two rules that decide
// the shape of `ps -J <jid> -o …` output, from bin/ps:
//   - parsefmt() (keyword.c): within one -o argument, an item containing "=" is `keyword=header`,
//     "may contain embedded separator characters and is always the last item" — so in
//     `-o pid=,nice=,pcpu=,comm=` the header of pid is ",nice=,pcpu=,comm=";
//   - column widths are the longest of the header and the values (sizevars(), format_output());
//     a header line is printed unless every header is empty (printheader(), print.c); columns are
//     right-aligned unless LJUST (comm), the last LJUST column is not padded; ps exits 1 when no
//     process matched (ps.c main()). `pcpu` is an alias of `%cpu`, printed "%.1f".
// Not used by the agent.

export type FakeProc = { pid: number; jid: number; nice: number; pcpu: number; comm: string };

const KEYWORDS: Record<string, { header: string; ljust: boolean; value: (p: FakeProc) => string }> = {
  pid: { header: "PID", ljust: false, value: (p) => String(p.pid) },
  nice: { header: "NI", ljust: false, value: (p) => String(p.nice) },
  pcpu: { header: "%CPU", ljust: false, value: (p) => p.pcpu.toFixed(1) },
  comm: { header: "COMMAND", ljust: true, value: (p) => p.comm },
};

/** The columns one -o argument asks for, split the way parsefmt() splits it. */
export function parseFormat(arg: string): Array<{ keyword: string; header: string }> {
  const out: Array<{ keyword: string; header: string }> = [];
  let rest = arg;
  while (rest) {
    const stop = rest.search(/[= \t,\n]/);
    if (stop >= 0 && rest[stop] === "=") {
      out.push({ keyword: rest.slice(0, stop), header: rest.slice(stop + 1) });
      break;
    }
    const item = stop < 0 ? rest : rest.slice(0, stop);
    rest = stop < 0 ? "" : rest.slice(stop + 1);
    if (item) out.push({ keyword: item, header: KEYWORDS[item]?.header ?? item.toUpperCase() });
  }
  return out;
}

/** What `ps` prints for `argv` on a host running `procs`: stdout and exit code. */
export function renderPs(argv: string[], procs: FakeProc[]): { code: number; stdout: string } {
  const jid = Number(argv[argv.indexOf("-J") + 1]);
  const columns = argv.flatMap((a, i) => (argv[i - 1] === "-o" ? parseFormat(a) : []));
  const rows = procs.filter((p) => p.jid === jid).sort((a, b) => a.pid - b.pid);
  const cells = rows.map((p) => columns.map((c) => KEYWORDS[c.keyword]!.value(p)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const ljust = KEYWORDS[columns[i]!.keyword]!.ljust;
        if (ljust && i === values.length - 1) return v;
        return ljust ? v.padEnd(widths[i]!) : v.padStart(widths[i]!);
      })
      .join(" ");
  const header = columns.some((c) => c.header !== "") ? `${line(columns.map((c) => c.header))}\n` : "";
  return { code: rows.length ? 0 : 1, stdout: header + cells.map((r) => `${line(r)}\n`).join("") };
}
