// Types for scripts that import the configuration (scripts/server.ts).
import type { NextConfig } from "next";

declare const nextConfig: NextConfig;
export default nextConfig;
