import next from "eslint-config-next";

const config = [
  ...next,
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      "node_modules/**",
      "sdk/dist/**",
      "cli/dist/**",
      "cli/dist-test-*/**",
      "drizzle/**",
      ".data/**",
      "test-results*/**",
      "playwright-report/**",
      "**/_scratch/**",
    ],
  },
];
export default config;
