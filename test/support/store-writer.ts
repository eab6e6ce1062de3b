/**
 * A process that writes to an XSMTP store without pause, as a busy service
 * does, for the backup tests: it enrolls users `w<n>@example.org` with
 * enrolled_at = n, ten per transaction, in order, and prints the last n after
 * each commit. Run: node store-writer.js FILE; it stops when stdin closes.
 */
import Database from "better-sqlite3";

const db = new Database(process.argv[2]!, { fileMustExist: true });
// The service's own settings (component/store/database.ts).
db.pragma("busy_timeout = 5000");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
const insert = db.prepare("INSERT INTO users (jid, enrolled_at) VALUES (?, ?)");
const commitTen = db.transaction((from: number) => {
  for (let n = from; n < from + 10; n++) insert.run(`w${n}@example.org`, n);
});

let next = 1;
let stopping = false;
process.stdin.on("close", () => (stopping = true)).resume();
function write(): void {
  if (stopping) {
    db.close();
    return;
  }
  commitTen(next);
  next += 10;
  process.stdout.write(`${next - 1}\n`);
  setImmediate(write);
}
write();
