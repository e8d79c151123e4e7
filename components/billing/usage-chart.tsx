import { formatDate } from "@/lib/format";
import { BYTES_PER_GIB } from "@/lib/units";

type Point = { day: string; bytes: number };

/**
 * Daily bars with the plan's limit as a dashed line; bars above the limit are red. Plain SVG
 * from the server: no client script, prints fine.
 */
export function UsageChart({
  points,
  limitBytes,
  label,
  width = 360,
  height = 96,
}: {
  points: Point[];
  limitBytes: number;
  label: string;
  width?: number;
  height?: number;
}) {
  if (points.length === 0) return <p className="text-xs text-zinc-500">No daily usage recorded for this window.</p>;
  const max = Math.max(limitBytes * 1.25, ...points.map((p) => p.bytes));
  const pad = 2;
  const barW = Math.max(2, (width - pad * 2) / points.length - 1);
  const y = (v: number) => height - (v / max) * (height - 8);
  const gb = (v: number) => `${(v / BYTES_PER_GIB).toFixed(1)} GB`;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return (
    <figure>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        height={height}
        role="img"
        aria-label={`${label}: ${points.length} days, peak ${gb(Math.max(...points.map((p) => p.bytes)))}, limit ${gb(limitBytes)}`}
      >
        <rect x="0" y="0" width={width} height={height} className="fill-zinc-50" />
        {points.map((p, i) => (
          <rect
            key={p.day}
            x={pad + i * (barW + 1)}
            y={y(p.bytes)}
            width={barW}
            height={height - y(p.bytes)}
            className={p.bytes > limitBytes ? "fill-red-400" : "fill-sky-400"}
          >
            <title>{`${p.day}: ${gb(p.bytes)}`}</title>
          </rect>
        ))}
        <line x1="0" x2={width} y1={y(limitBytes)} y2={y(limitBytes)} className="stroke-zinc-700" strokeDasharray="4 3" strokeWidth="1" />
      </svg>
      <figcaption className="mt-1 flex justify-between text-xs text-zinc-500">
        <span>{formatDate(first.day)}</span>
        <span>
          {label}; dashed line: limit {gb(limitBytes)}
        </span>
        <span>{formatDate(last.day)}</span>
      </figcaption>
    </figure>
  );
}
