// A minimal SMTP server on 127.0.0.1 for tests: it accepts every message, decodes its plain
// text part, and keeps it (in memory, and as a JSON file per message when given a directory),
// so a test can follow a mailed link the way its recipient would. It speaks just what
// nodemailer uses (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and offers no TLS or AUTH.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export type SinkMessage = { from: string; to: string[]; subject: string; text: string; receivedAt: string };
export type SmtpSink = { url: string; port: number; messages: SinkMessage[]; stop: () => Promise<void> };

export async function startSmtpSink(opts: { dir?: string } = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  if (opts.dir) fs.mkdirSync(opts.dir, { recursive: true });
  const server = net.createServer((socket) => {
    let buffer = "";
    let from = "";
    let to: string[] = [];
    let data: string[] | null = null;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 cellblock-test ESMTP");
    socket.setEncoding("utf8");
    socket.on("error", () => {});
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (data) {
          if (line === ".") {
            const message = { from, to, ...decode(data.join("\r\n")), receivedAt: new Date().toISOString() };
            messages.push(message);
            if (opts.dir) fs.writeFileSync(path.join(opts.dir, `${Date.now()}-${messages.length}.json`), JSON.stringify(message));
            data = null;
            from = "";
            to = [];
            reply("250 2.0.0 queued");
          } else data.push(line.startsWith("..") ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") {
          reply("250-cellblock-test");
          reply("250 8BITMIME");
        } else if (verb === "HELO" || verb === "NOOP") reply("250 ok");
        else if (verb === "RSET") {
          from = "";
          to = [];
          reply("250 ok");
        } else if (verb === "MAIL") {
          from = /<([^>]*)>/.exec(line)?.[1] ?? "";
          reply("250 ok");
        } else if (verb === "RCPT") {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
          reply("250 ok");
        } else if (verb === "DATA") {
          data = [];
          reply("354 end with <CRLF>.<CRLF>");
        } else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
        } else reply("502 not implemented");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The subject and the text/plain body of a raw message (multipart or not; 7bit, quoted-printable or base64). */
function decode(raw: string): { subject: string; text: string } {
  const [head, ...rest] = raw.split("\r\n\r\n");
  const headers = unfold(head ?? "");
  const subject = headers.get("subject") ?? "";
  const body = rest.join("\r\n\r\n");
  return { subject, text: partText(headers, body) };
}

function unfold(head: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) map.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return map;
}

function partText(headers: Map<string, string>, body: string): string {
  const type = headers.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split(`--${boundary}`)) {
      const [h, ...b] = part.replace(/^\r\n/, "").split("\r\n\r\n");
      const ph = unfold(h ?? "");
      if (/^text\/plain/i.test(ph.get("content-type") ?? "") || /^multipart\//i.test(ph.get("content-type") ?? ""))
        return partText(ph, b.join("\r\n\r\n").replace(/\r\n$/, ""));
    }
    return "";
  }
  const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable")
    return Buffer.from(
      body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
  return body;
}
