import { unknownPath } from "@/lib/http/fallback-routes";

// Any path here that no route file serves: the contract's JSON 404, not Next's HTML page.
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = unknownPath();
