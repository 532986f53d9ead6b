import {
  createSignInMessageText as utilCreate,
  parseSignInMessageText as utilParse,
} from "@solana/wallet-standard-util";
import { describe, expect, it } from "vitest";
import {
  createSignInMessageText,
  parseSignInMessageText,
  type SignInInput,
  type SignInMessageFields,
} from "@/lib/auth/siws-message";
import { issuedInput } from "@/lib/test/siws-input";

// Any valid base58 32-byte key works here; signatures are covered in siws.test.ts.
const alice = { address: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM" };

const issued = issuedInput;

const canonical = (input: SignInInput, address = alice.address) => createSignInMessageText({ ...input, address });

describe("createSignInMessageText matches @solana/wallet-standard-util", () => {
  const addr = alice.address;
  const cases: Record<string, SignInMessageFields> = {
    minimal: { domain: "localhost:3000", address: addr },
    "statement only": { domain: "example.com", address: addr, statement: "Hello" },
    "fields without statement": { domain: "example.com", address: addr, uri: "https://example.com", nonce: "abc" },
    full: {
      ...issued(),
      address: addr,
      notBefore: "2025-06-01T11:59:30.000Z",
      requestId: "req-1",
      resources: ["https://a.example/x", "ipfs://bafy"],
    },
    "empty resources": { domain: "example.com", address: addr, resources: [] },
    "empty statement is omitted": { domain: "example.com", address: addr, statement: "", version: "1" },
    "solana: chain id": { domain: "example.com", address: addr, chainId: "solana:mainnet", version: "1" },
  };
  for (const [name, input] of Object.entries(cases)) {
    it(name, () => {
      const text = createSignInMessageText(input);
      expect(text).toBe(utilCreate(input));
      expect(parseSignInMessageText(text)).toEqual(utilParse(text));
    });
  }

  it("uses the standard header and layout", () => {
    expect(canonical(issued())).toBe(
      [
        "app.solrouter.test wants you to sign in with your Solana account:",
        alice.address,
        "",
        "Sign in to Solrouter to manage your API keys.",
        "",
        "URI: https://app.solrouter.test",
        "Version: 1",
        "Chain ID: devnet",
        "Nonce: n0nce1234abcd",
        "Issued At: 2025-06-01T11:59:00.000Z",
        "Expiration Time: 2025-06-01T12:09:00.000Z",
      ].join("\n"),
    );
  });
});

describe("parseSignInMessageText is strict", () => {
  const text = canonical(issued());

  it("parses the canonical text", () => {
    expect(parseSignInMessageText(text)).toEqual({ ...issued(), address: alice.address });
  });

  it.each([
    ["trailing newline (the util accepts it)", text + "\n"],
    ["trailing garbage", text + "\nFoo: bar"],
    ["prefix line", "Please sign:\n" + text],
    ["CRLF line endings", text.replace(/\n/g, "\r\n")],
    ["duplicate field", text + "\nNonce: other"],
    ["out-of-order fields", text.replace("Version: 1\nChain ID: devnet", "Chain ID: devnet\nVersion: 1")],
    ["empty field value", text.replace("Version: 1", "Version: ")],
    ["unknown field", text.replace("Version: 1", "Version: 1\nColor: blue")],
    ["non-base58 address", text.replace(alice.address, "0OIl" + alice.address.slice(4))],
    ["a sentence before the domain", "Please sign: " + text],
    ["carriage return inside a value", text.replace("Version: 1", "Version: 1\r")],
    ["tab inside the statement", text.replace("Sign in to", "Sign\tin to")],
    ["missing address", "example.com wants you to sign in with your Solana account:"],
    ["empty resource", createSignInMessageText({ domain: "a.b", address: alice.address, resources: ["x"] }) + "\n- "],
  ])("rejects %s", (_name, bad) => {
    expect(parseSignInMessageText(bad)).toBeNull();
  });
});
