import { Alert, errorMessage } from "@/components/ui/alert";
import type { ReactNode } from "react";
import { Spinner } from "@/components/ui/spinner";

/** The loading and failed states both Security lists share; `children` renders once data is there. */
export function QueryState(props: {
  query: { isPending: boolean; isError: boolean; refetch: () => unknown };
  what: string;
  children: ReactNode;
}) {
  const { query } = props;
  if (query.isPending)
    return (
      <div className="card flex justify-center py-8" aria-busy="true">
        <Spinner />
      </div>
    );
  if (query.isError)
    return (
      <Alert
        title={`We couldn’t load your ${props.what}.`}
        actions={
          <button type="button" className="btn-secondary px-3 py-1.5" onClick={() => void query.refetch()}>
            Try again
          </button>
        }
      >
        Check your connection and try again.
      </Alert>
    );
  return <>{props.children}</>;
}
