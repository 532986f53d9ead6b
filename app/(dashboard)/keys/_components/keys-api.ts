"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import type { Wire } from "@/lib/wire";
import type * as keys from "@/lib/keys/schemas";

// The dashboard's view of /api/keys*, typed from the routes' own schemas (their wire form), so a
// field that changes on the server fails the typecheck here. Secrets pass through these
// functions to the one-time dialog and are never put in the query cache.

export type KeyStatus = Wire<typeof keys.KeyStatusSchema>;
/** A key as a create, roll, edit or revoke answers it. */
export type KeyView = Wire<typeof keys.ApiKeySchema>;
/** A key as `GET /api/keys` lists it: with what it spent this month. */
export type KeyItem = Wire<typeof keys.KeyListItemSchema>;

/** A create's or a roll's answer; a roll's also names the key that the new one replaces. */
export type NewSecret = Wire<typeof keys.CreatedKeyResponse> &
  Partial<Pick<Wire<typeof keys.RolledKeyResponse>, "replaced">>;

export const KEYS_QUERY = ["keys"] as const;

export function useKeys() {
  return useQuery({
    queryKey: KEYS_QUERY,
    queryFn: () => apiFetch<Wire<typeof keys.KeyListResponse>>("/api/keys").then((r) => r.keys),
  });
}

/** Puts a changed key into the cached list at once, then refetches the truth. */
function useKeyMutation<A, R extends { key: KeyView; replaced?: KeyView }>(fn: (args: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (res) => {
      qc.setQueryData<KeyItem[]>(KEYS_QUERY, (old) => {
        if (!old) return old;
        const changed = [res.key, ...(res.replaced ? [res.replaced] : [])];
        const rest = old.filter((k) => !changed.some((c) => c.id === k.id));
        // A rolled key's replacement carries on its month's spend (and shares it with the old one).
        const was = (c: KeyView) =>
          old.find((k) => k.id === (c.id === res.key.id && res.replaced ? res.replaced.id : c.id));
        // A changed period is counted afresh by the refetch; until then the old figure stands.
        const merged = changed.map((c) => ({
          ...c,
          monthSpendMicro: was(c)?.monthSpendMicro ?? 0,
          periodSpendMicro: was(c)?.periodSpendMicro ?? 0,
        }));
        return [...merged, ...rest].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      });
      void qc.invalidateQueries({ queryKey: KEYS_QUERY });
    },
  });
}

export type CreateKeyArgs = Wire<typeof keys.CreateKeyBody>;

export const useCreateKey = () =>
  useKeyMutation((args: CreateKeyArgs) =>
    apiFetch<Wire<typeof keys.CreatedKeyResponse>>("/api/keys", { method: "POST", json: args }),
  );

export const useRevokeKey = () =>
  useKeyMutation((id: string) =>
    apiFetch<Wire<typeof keys.KeyResponse>>(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE" }),
  );

export const useRollKey = () =>
  useKeyMutation(({ id, graceSeconds }: { id: string } & Wire<typeof keys.RollKeyBody>) =>
    apiFetch<Wire<typeof keys.RolledKeyResponse>>(`/api/keys/${encodeURIComponent(id)}/roll`, {
      method: "POST",
      json: { graceSeconds },
    }),
  );

export const useUpdateKey = () =>
  useKeyMutation(({ id, ...body }: { id: string } & Wire<typeof keys.UpdateKeyBody>) =>
    apiFetch<Wire<typeof keys.KeyResponse>>(`/api/keys/${encodeURIComponent(id)}`, { method: "PATCH", json: body }),
  );
