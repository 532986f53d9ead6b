"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import type { Json } from "@/lib/json";
import type { ActivityEvent } from "@/lib/activity/events";
import type { SessionView } from "@/lib/activity/sessions";

export type SessionItem = Json<SessionView>;
export type ActivityItem = Json<ActivityEvent>;

export const SESSIONS_QUERY = ["sessions"] as const;
export const ACTIVITY_QUERY = ["activity"] as const;

export function useSessions() {
  return useQuery({ queryKey: SESSIONS_QUERY, queryFn: () => apiFetch<{ sessions: SessionItem[] }>("/api/sessions").then((r) => r.sessions) });
}

export function useActivity() {
  return useInfiniteQuery({
    queryKey: ACTIVITY_QUERY,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      apiFetch<{ events: ActivityItem[]; nextCursor: string | null }>(`/api/activity?limit=25${pageParam ? `&cursor=${pageParam}` : ""}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Ends a session (one, or all but this browser's); both lists refetch since each writes an event. */
export function useEndSessions() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (target: { id: string } | "others") =>
      target === "others" ? apiFetch("/api/sessions/revoke-others", { method: "POST" }) : apiFetch(`/api/sessions/${target.id}`, { method: "DELETE" }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: SESSIONS_QUERY }), qc.invalidateQueries({ queryKey: ACTIVITY_QUERY })]),
  });
}
