/**
 * A small document model that the email renders to both HTML and plain text, so that the two
 * forms always say the same thing. Styles are inline: mail clients strip <style> elements.
 */

export interface Item {
  text: string;
  strong?: boolean;
  /** Evidence lines under the item: "+" confirms, "-" speaks against. */
  notes?: { sign: "+" | "-"; text: string }[];
  /** Commands and queries, shown verbatim. */
  code?: { label: string; text: string }[];
}

export type Block =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string; tone?: "warning" | "muted" }
  | { kind: "facts"; rows: [string, string][] }
  | { kind: "items"; ordered: boolean; items: Item[] }
  | { kind: "link"; text: string; href: string };

export interface Banner {
  title: string;
  subtitle: string;
  /** Background colour of the banner. */
  color: string;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Only plain https links become anchors; anything else (javascript:, data:) is shown as text. */
export function safeHref(href: string): string | undefined {
  try {
    return new URL(href).protocol === "https:" ? href : undefined;
  } catch {
    return undefined;
  }
}

const FONT = "font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45;color:#201f1e";
const PRE =
  "margin:4px 0 8px 0;padding:8px 10px;background:#f3f2f1;border:1px solid #e1dfdd;border-radius:3px;font-family:Consolas,Menlo,monospace;font-size:12px;line-height:1.4;white-space:pre-wrap;word-break:break-all";

export function toHtml(banner: Banner, blocks: readonly Block[]): string {
  const e = escapeHtml;
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every Block kind (checked by tsc).
  const body = blocks.map((b) => {
    switch (b.kind) {
      case "heading":
        return `<h2 style="margin:20px 0 6px 0;font-size:16px;border-bottom:1px solid #e1dfdd;padding-bottom:4px">${e(b.text)}</h2>`;
      case "paragraph": {
        const tone =
          b.tone === "warning"
            ? "color:#8a3707;font-weight:600"
            : b.tone === "muted"
              ? "color:#605e5c;font-size:12px"
              : "";
        return `<p style="margin:6px 0;${tone}">${e(b.text)}</p>`;
      }
      case "facts":
        return `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:4px 0">${b.rows
          .map(
            ([k, v]) =>
              `<tr><td style="padding:2px 12px 2px 0;color:#605e5c;vertical-align:top;white-space:nowrap">${e(k)}</td><td style="padding:2px 0;vertical-align:top">${e(v)}</td></tr>`,
          )
          .join("")}</table>`;
      case "items": {
        const tag = b.ordered ? "ol" : "ul";
        const items = b.items.map((i) => {
          const text = i.strong ? `<strong>${e(i.text)}</strong>` : e(i.text);
          const notes = (i.notes ?? [])
            .map(
              (n) =>
                `<div style="margin:2px 0 0 0;font-size:13px;color:${n.sign === "+" ? "#201f1e" : "#605e5c"}">${n.sign === "+" ? "+" : "&minus;"} ${e(n.text)}</div>`,
            )
            .join("");
          const code = (i.code ?? [])
            .map(
              (c) =>
                `<div style="margin:6px 0 0 0;font-size:12px;color:#605e5c">${e(c.label)}</div><pre style="${PRE}">${e(c.text)}</pre>`,
            )
            .join("");
          return `<li style="margin:6px 0">${text}${notes}${code}</li>`;
        });
        return `<${tag} style="margin:4px 0;padding-left:22px">${items.join("")}</${tag}>`;
      }
      case "link": {
        const href = safeHref(b.href);
        return href
          ? `<p style="margin:8px 0"><a href="${e(href)}" style="color:#0f6cbd">${e(b.text)}</a></p>`
          : `<p style="margin:8px 0">${e(b.text)}: ${e(b.href)}</p>`;
      }
    }
  });
  return [
    `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>`,
    `<body style="margin:0;padding:0;background:#ffffff"><div style="${FONT};max-width:760px;margin:0 auto;padding:12px">`,
    `<div style="background:${e(banner.color)};color:#ffffff;padding:12px 14px;border-radius:4px">`,
    `<div style="font-size:18px;font-weight:600">${e(banner.title)}</div><div style="margin-top:4px">${e(banner.subtitle)}</div></div>`,
    ...body,
    `</div></body></html>`,
  ].join("\n");
}

export function toText(banner: Banner, blocks: readonly Block[]): string {
  const lines: string[] = [banner.title, banner.subtitle];
  for (const b of blocks) {
    switch (b.kind) {
      case "heading":
        lines.push("", b.text.toUpperCase());
        break;
      case "paragraph":
        lines.push(b.tone === "warning" ? `! ${b.text}` : b.text);
        break;
      case "facts": {
        const width = Math.max(...b.rows.map(([k]) => k.length));
        for (const [k, v] of b.rows) lines.push(`  ${k.padEnd(width)}  ${v}`);
        break;
      }
      case "items":
        b.items.forEach((i, n) => {
          lines.push(`  ${b.ordered ? `${n + 1}.` : "-"} ${i.text}`);
          for (const note of i.notes ?? []) lines.push(`     ${note.sign} ${note.text}`);
          for (const c of i.code ?? []) lines.push(`     ${c.label}`, ...c.text.split("\n").map((l) => `       ${l}`));
        });
        break;
      case "link":
        lines.push(`${b.text}: ${b.href}`);
        break;
    }
  }
  return `${lines.join("\n")}\n`;
}
