import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { KeyList } from "./key-list";
import type { KeyItem } from "./keys-api";

// What the Keys page shows for a key in its roll's grace: the cap its calls count against (its
// replacement's) and the month's spend against that cap, marked as shared.

const base = {
  start: "sk_solrouter_Ab3x…",
  createdAt: "2026-12-01T00:00:00.000Z",
  lastUsedAt: null,
  revokedAt: null,
  status: "active" as const,
  capPeriod: "month" as const,
  spendCap: { micro: 1_000_000, period: "month" as const },
  models: null,
  canManageKeys: false,
  canCallModels: true,
  periodSpendMicro: 550_000,
};
const fresh: KeyItem = {
  ...base,
  id: "new",
  name: "prod",
  expiresAt: null,
  spendCapMicro: 1_000_000,
  replacedBy: null,
  capKeyId: null,
  monthSpendMicro: 550_000,
};
const old: KeyItem = {
  ...base,
  id: "old",
  name: "prod",
  expiresAt: "2099-01-01T00:00:00.000Z",
  spendCapMicro: 1_000_000,
  replacedBy: "new",
  capKeyId: "new",
  monthSpendMicro: 550_000,
};
const noop = () => {};

function rows(keys: KeyItem[]) {
  const html = renderToStaticMarkup(
    createElement(KeyList, {
      keys,
      now: Date.parse("2026-12-04T00:00:00Z"),
      actions: { onEdit: noop, onRoll: noop, onRevoke: noop },
    }),
  );
  return html.split('data-testid="key-row"').slice(1);
}

describe("KeyList for a rolled key", () => {
  it("shows one shared cap and its spend on both keys, marked as shared on the old one", () => {
    const [newRow, oldRow] = rows([fresh, old]);
    for (const row of [newRow!, oldRow!]) expect(row).toMatch(/\$0\.55[^<]*<span class="muted">of \$1\.00/);
    expect(oldRow).toContain("shared with its new key");
    expect(newRow).not.toContain("shared with its new key");
    expect(oldRow).toContain("rolled");
    expect(oldRow).not.toContain('data-testid="roll-key"');
  });

  it("shows the old key as expiring, right under its replacement, and the new one as active", () => {
    const other: KeyItem = { ...fresh, id: "other", name: "other", createdAt: "2026-12-02T00:00:00.000Z" };
    const html = rows([other, old, fresh]);
    expect(html.map((r) => /data-key-id="(\w+)"/.exec(r)![1])).toEqual(["other", "new", "old"]);
    expect(html[2]).toContain('data-display="expiring"');
    expect(html[2]).toMatch(/>expiring</);
    expect(html[1]).toContain('data-display="active"');
  });
});
