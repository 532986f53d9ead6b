"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import type { RollGraceSeconds } from "@/lib/keys/limits";
import type { Json } from "@/lib/json";
import type { ApiKeyView, KeyStatus } from "@/lib/keys/store";

// The dashboard's view of GET/POST /api/keys. Secrets pass through these functions to the
// one-time dialog and are never put in the query cache.

export type { KeyStatus };

/** A key as `GET /api/keys` lists it; the list also says what each key spent this month. */
export type KeyItem = Json<ApiKeyView> & { monthSpendMicro?: number };

export interface NewSecret {
  key: KeyItem;
  secret: string;
  /** Present after a roll: the key that the new one replaces. */
  replaced?: KeyItem;
}

export const KEYS_QUERY = ["keys"] as const;

export function useKeys() {
  return useQuery({
    queryKey: KEYS_QUERY,
    queryFn: () => apiFetch<{ keys: KeyItem[] }>("/api/keys").then((r) => r.keys),
  });
}

/** Puts a changed key into the cached list at once, then refetches the truth. */
function useKeyMutation<A, R extends { key: KeyItem; replaced?: KeyItem }>(fn: (args: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (res) => {
      qc.setQueryData<KeyItem[]>(KEYS_QUERY, (old) => {
        if (!old) return old;
        const changed = [res.key, ...(res.replaced ? [res.replaced] : [])];
        const rest = old.filter((k) => !changed.some((c) => c.id === k.id));
        // A rolled key's replacement carries on its month's spend (and shares it with the old one).
        const spendOf = (c: KeyItem) => old.find((k) => k.id === (c.id === res.key.id && res.replaced ? res.replaced.id : c.id))?.monthSpendMicro ?? 0;
        const merged = changed.map((c) => ({ ...c, monthSpendMicro: spendOf(c) }));
        return [...merged, ...rest].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      });
      void qc.invalidateQueries({ queryKey: KEYS_QUERY });
    },
  });
}

export interface CreateKeyArgs {
  name: string;
  expiresAt: string | null;
  spendCapMicro: number | null;
}

export const useCreateKey = () =>
  useKeyMutation((args: CreateKeyArgs) => apiFetch<NewSecret>("/api/keys", { method: "POST", json: args }));

export const useRevokeKey = () =>
  useKeyMutation((id: string) => apiFetch<{ key: KeyItem }>(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE" }));

export const useRollKey = () =>
  useKeyMutation(({ id, graceSeconds }: { id: string; graceSeconds: RollGraceSeconds }) =>
    apiFetch<NewSecret>(`/api/keys/${encodeURIComponent(id)}/roll`, { method: "POST", json: { graceSeconds } }),
  );

export const useUpdateKey = () =>
  useKeyMutation(({ id, ...body }: { id: string; name?: string; spendCapMicro?: number | null }) =>
    apiFetch<{ key: KeyItem }>(`/api/keys/${encodeURIComponent(id)}`, { method: "PATCH", json: body }),
  );
