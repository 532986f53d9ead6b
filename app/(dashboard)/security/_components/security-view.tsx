"use client";
import { PageHeader } from "../../_components/page-header";
import { ActivityTable } from "./activity-table";
import { SessionsList } from "./sessions-list";

export function SecurityView() {
  return (
    <>
      <PageHeader title="Security" description="Where this account is signed in, and what happened on it." />
      <SessionsList />
      <ActivityTable />
    </>
  );
}
