import type { ReactNode } from "react";
import { Spinner } from "@/components/ui/spinner";

/** The loading and failed states both Security lists share; `children` renders once data is there. */
export function QueryState(props: { query: { isPending: boolean; isError: boolean; refetch: () => unknown }; what: string; children: ReactNode }) {
  const { query } = props;
  if (query.isPending)
    return (
      <div className="card flex justify-center py-8" aria-busy="true">
        <Spinner />
      </div>
    );
  if (query.isError)
    return (
      <div role="alert" className="card px-5 py-6">
        <p className="font-medium">We couldn’t load your {props.what}.</p>
        <button type="button" className="btn-secondary mt-3" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  return <>{props.children}</>;
}
