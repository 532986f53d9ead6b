import { C, Anchor, Code, P } from "./docs-ui";
import { httpSignInExample, TERMINAL_SIGN_IN } from "./sign-in-example";

export function TerminalSignIn({ origin }: { origin: string }) {
  return (
    <section>
      <Anchor id="sign-in-terminal">Sign in from the terminal</Anchor>
      <P>
        The <C>solrouter</C> command signs in with a Solana CLI keypair file (the JSON array <C>solana-keygen</C>{" "}
        writes; <C>~/.config/solana/id.json</C> unless you pass <C>--keypair</C>): no browser, no wallet extension. It
        tops up from the same keypair with the transfer the Billing page sends, creates and rolls keys, and reads usage.
      </P>
      <Code title="shell">{TERMINAL_SIGN_IN(origin)}</Code>
      <P>
        Every command takes <C>--url</C> (or <C>SOLROUTER_URL</C>) and <C>--json</C> (one JSON document on stdout). A
        new key&apos;s secret is printed once, or appended to <C>--env-file</C> as <C>SOLROUTER_API_KEY=</C> and not
        printed. The session is kept per server in <C>~/.config/solrouter/session.json</C>, readable only by you. Errors
        are one line with the error code, and the exit status is 1.
      </P>
    </section>
  );
}

export function HttpSignIn({ origin }: { origin: string }) {
  return (
    <section>
      <Anchor id="sign-in-http">Sign in over HTTP</Anchor>
      <P>
        The dashboard API (<C>/api/keys</C>, <C>/api/topups</C>, <C>/api/usage</C>, <C>/api/me</C>) uses a cookie
        session. Any program holding a keypair can open one: get a challenge from{" "}
        <C>GET /api/auth/challenge?address=</C>, sign its standard Sign-In-With-Solana text with Ed25519, and post it to{" "}
        <C>POST /api/auth/verify</C>. The answer sets the <C>sr_session</C> cookie; requests that change something must
        also send <C>Origin</C> with this site&apos;s origin. Each challenge works once and for 10 minutes.
      </P>
      <Code title="javascript">{httpSignInExample(origin)}</Code>
      <P>
        Wallets that cannot sign messages (Ledger) may instead post <C>{`{transaction, account}`}</C>: a transaction
        signed by the account whose only instruction is a Memo carrying the same text, with the blockhash{" "}
        <C>11111111111111111111111111111111</C> so it can never be submitted.
      </P>
    </section>
  );
}
