import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Journal } from "./persistence";

describe("Journal", () => {
  it("drops a torn final line left by a crash mid-append", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "localnet-journal-"));
    const file = path.join(dir, "journal.ndjson");
    const journal = new Journal(file);
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    journal.close();
    fs.appendFileSync(file, '{"n":3,"wi');
    expect(Journal.read(file)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(fs.readFileSync(file, "utf8")).toBe('{"n":1}\n{"n":2}\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
