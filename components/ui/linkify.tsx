/** Plain text with its http(s) URLs made into links (for mail bodies). */
export function Linkify({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"']+)/g);
  return (
    <>
      {parts.map((p, i) =>
        /^https?:\/\//.test(p) ? (
          <a key={i} href={p} className="text-brand-600 underline">
            {p}
          </a>
        ) : (
          p
        ),
      )}
    </>
  );
}
