"use client";
// The jail's usage over the last 24 hours or 30 days, each against its plan limit.
import { useState } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { cn } from "@/components/ui/cn";
import { formatBytes } from "@/lib/format";

type Point = { t: string; diskBytes: number; memoryBytes: number; cpuPercent: number; netBytes: number };
type Limits = { diskBytes: number; memoryBytes: number; cpuPercent: number };

const BRAND = "#1f7a70";
const LIMIT = "#dc2626";

export function UsageCharts({ series24h, series30d, limits }: { series24h: Point[]; series30d: Point[]; limits: Limits }) {
  const [range, setRange] = useState<"24h" | "30d">("24h");
  const data = range === "24h" ? series24h : series30d;
  const tick = (t: string) => {
    const d = new Date(t);
    return range === "24h"
      ? `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`
      : `${d.getUTCDate()}/${d.getUTCMonth() + 1}`;
  };
  return (
    <div data-testid="usage-charts" data-points={data.length}>
      <div className="mb-4 flex items-center gap-2" role="group" aria-label="Chart range">
        {(["24h", "30d"] as const).map((r) => (
          <button
            key={r}
            type="button"
            aria-pressed={range === r}
            onClick={() => setRange(r)}
            className={cn(
              "rounded-md px-3 py-1 text-sm font-medium",
              range === r ? "bg-brand-50 text-brand-700" : "text-zinc-600 hover:bg-zinc-100",
            )}
          >
            {r === "24h" ? "Last 24 hours" : "Last 30 days"}
          </button>
        ))}
        <span className="ml-auto text-xs text-zinc-500">Times in UTC</span>
      </div>
      {data.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 px-4 py-8 text-center text-sm text-zinc-500">
          No measurements in this period yet. The host reports usage every few minutes once the jail runs.
        </p>
      ) : (
        <div className="grid gap-6 md:grid-cols-2">
          <Chart title="Disk" data={data} dataKey="diskBytes" limit={limits.diskBytes} format={formatBytes} tick={tick} />
          <Chart
            title="Memory (process space)"
            data={data}
            dataKey="memoryBytes"
            limit={limits.memoryBytes}
            format={formatBytes}
            tick={tick}
          />
          <Chart
            title="CPU (% of one core)"
            data={data}
            dataKey="cpuPercent"
            limit={limits.cpuPercent}
            format={(v) => `${Math.round(v)}%`}
            tick={tick}
          />
          <div>
            <h3 className="mb-2 text-sm font-medium text-zinc-700">Transfer (in + out)</h3>
            <div className="h-40">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
                  <XAxis dataKey="t" tickFormatter={tick} fontSize={11} minTickGap={24} />
                  <YAxis tickFormatter={(v: number) => formatBytes(v)} fontSize={11} width={64} />
                  <Tooltip labelFormatter={(t) => tick(String(t))} formatter={(v) => formatBytes(Number(v))} />
                  <Bar dataKey="netBytes" name="Transfer" fill={BRAND} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

function Chart({
  title,
  data,
  dataKey,
  limit,
  format,
  tick,
}: {
  title: string;
  data: Point[];
  dataKey: keyof Point;
  limit: number;
  format: (v: number) => string;
  tick: (t: string) => string;
}) {
  const max = Math.max(limit, ...data.map((p) => Number(p[dataKey])));
  return (
    <div>
      <h3 className="mb-2 text-sm font-medium text-zinc-700">
        {title} <span className="font-normal text-zinc-500">· limit {format(limit)}</span>
      </h3>
      <div className="h-40">
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
            <XAxis dataKey="t" tickFormatter={tick} fontSize={11} minTickGap={24} />
            <YAxis domain={[0, Math.ceil(max * 1.1)]} tickFormatter={(v: number) => format(v)} fontSize={11} width={64} />
            <Tooltip labelFormatter={(t) => tick(String(t))} formatter={(v) => format(Number(v))} />
            <ReferenceLine y={limit} stroke={LIMIT} strokeDasharray="4 4" ifOverflow="extendDomain" />
            <Area type="monotone" dataKey={dataKey} name={title} stroke={BRAND} fill={BRAND} fillOpacity={0.15} isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
