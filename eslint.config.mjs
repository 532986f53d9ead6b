import next from "eslint-config-next";

export default [
  ...next,
  { ignores: [".next/**", "node_modules/**", "sdk/dist/**", "drizzle/**", ".data/**", "test-results/**", "playwright-report/**"] },
];
