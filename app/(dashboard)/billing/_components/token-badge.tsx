import type { ReactNode } from "react";
import type { TokenSymbol } from "./billing-api";

// Small coin marks so the two tokens are told apart at a glance (not the issuers' logos).
export function TokenMark({ token, className = "h-5 w-5" }: { token: TokenSymbol; className?: string }) {
  return token === "USDC" ? (
    <Coin className={className} fill="#2775ca">
      <text
        x="10"
        y="14"
        textAnchor="middle"
        fontSize="11"
        fontWeight="700"
        fill="white"
        fontFamily="system-ui, sans-serif"
      >
        $
      </text>
    </Coin>
  ) : (
    <Coin className={`${className} fill-accent-600`}>
      <path
        d="M6 13.5 10 6l4 7.5M7.6 11h4.8"
        stroke="white"
        strokeWidth="1.6"
        fill="none"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </Coin>
  );
}

/** A round coin of the given colour (an SVG fill, or the class's fill) with a white mark on it. */
function Coin({ className, fill, children }: { className: string; fill?: string; children: ReactNode }) {
  return (
    <svg viewBox="0 0 20 20" className={className} aria-hidden="true">
      <circle cx="10" cy="10" r="10" fill={fill} />
      {children}
    </svg>
  );
}
