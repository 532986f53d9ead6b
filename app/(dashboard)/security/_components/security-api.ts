"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import type { Wire } from "@/lib/wire";
import type * as activity from "@/lib/activity/schemas";

// The routes' answers as the browser receives them, typed from the routes' own schemas.
export type SessionItem = Wire<typeof activity.SessionSchema>;
export type ActivityItem = Wire<typeof activity.ActivityEventSchema>;

export const SESSIONS_QUERY = ["sessions"] as const;
export const ACTIVITY_QUERY = ["activity"] as const;

export function useSessions() {
  return useQuery({
    queryKey: SESSIONS_QUERY,
    queryFn: () => apiFetch<Wire<typeof activity.SessionListResponse>>("/api/sessions").then((r) => r.sessions),
  });
}

export function useActivity() {
  return useInfiniteQuery({
    queryKey: ACTIVITY_QUERY,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      apiFetch<Wire<typeof activity.ActivityPageResponse>>(
        `/api/activity?limit=25${pageParam ? `&cursor=${pageParam}` : ""}`,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Ends a session (one, or all but this browser's); both lists refetch since each writes an event. */
export function useEndSessions() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (target: { id: string } | "others") =>
      target === "others"
        ? apiFetch<Wire<typeof activity.RevokeOthersResponse>>("/api/sessions/revoke-others", { method: "POST" })
        : apiFetch(`/api/sessions/${target.id}`, { method: "DELETE" }),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: SESSIONS_QUERY }),
        qc.invalidateQueries({ queryKey: ACTIVITY_QUERY }),
      ]),
  });
}
