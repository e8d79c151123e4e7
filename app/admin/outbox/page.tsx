import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { requireAdminPage } from "@/lib/auth/session";
import { listOutbox, OUTBOX_PAGE_SIZE } from "@/lib/domain/mail/list-outbox";
import { formatDateTime } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";
import { Linkify } from "@/components/ui/linkify";

export const metadata: Metadata = { title: "Mail outbox" };

const tone = { STORED: "blue", QUEUED: "yellow", SENT: "green", FAILED: "red" } as const;

export default async function OutboxPage({ searchParams }: { searchParams: Promise<{ page?: string; to?: string }> }) {
  const { actor } = await requireAdminPage();
  const params = await searchParams;
  const page = pageSchema.parse(params.page);
  const to = params.to?.slice(0, 254) || undefined;
  const { rows, total } = await listOutbox({ actor, page, to });
  return (
    <>
      <PageHeader
        title="Mail outbox"
        description="Every message Cellblock sends. Without SMTP_URL, messages stay here (STORED) instead of going out."
      />
      <form className="mb-4 flex gap-2" role="search">
        <input
          name="to"
          defaultValue={to}
          placeholder="Filter by recipient"
          className="w-72 rounded-md border border-zinc-300 px-3 py-1.5 text-sm"
          aria-label="Filter by recipient"
        />
        <button className="rounded-md border border-zinc-300 bg-white px-3 text-sm">Filter</button>
      </form>
      {rows.length === 0 ? (
        <EmptyState title="No messages" description={to ? "Nothing was sent to that address." : "Nothing has been sent yet."} />
      ) : (
        <ul className="space-y-3" data-testid="outbox">
          {rows.map((m) => (
            <li key={m.id} className="rounded-lg border border-zinc-200 bg-white shadow-sm">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm">
                  <Badge tone={tone[m.status]}>{m.status.toLowerCase()}</Badge>
                  <span className="font-medium text-zinc-900">{m.subject}</span>
                  <span className="text-zinc-500">to {m.to}</span>
                  <span className="ml-auto text-xs text-zinc-400">{formatDateTime(m.createdAt)}</span>
                </summary>
                <div className="border-t border-zinc-100 px-4 py-3">
                  <pre className="whitespace-pre-wrap font-mono text-xs text-zinc-800" data-testid="mail-body">
                    <Linkify text={m.text} />
                  </pre>
                  {m.error && <p className="mt-2 text-xs text-red-600">Delivery error: {m.error}</p>}
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
      <Pagination page={page} pageSize={OUTBOX_PAGE_SIZE} total={total} basePath="/admin/outbox" params={{ to }} />
    </>
  );
}
