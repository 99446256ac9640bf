// query.mjs: run one SQL string in an in-memory DuckDB and print the result
// rows as one JSON array of objects (column name -> value) on stdout.
//
//   node query.mjs "SELECT count(*) AS n FROM read_parquet('/tmp/x.parquet')"
//
// Given several SQL strings it runs them in order on one connection and
// prints one JSON array holding each one's array of rows (starting node
// costs far more than a small query).
//
// This is the independent Parquet reader score's tests check their output
// with; it shares no code with the Go writer.
//
// Values use @duckdb/node-api's lossless JSON forms, with one change: whole
// numbers of 64 bits or more (BIGINT, UBIGINT, HUGEINT, UHUGEINT), which that
// form gives as strings, become JSON numbers when they are safe integers
// (|n| <= 2^53-1) and stay strings otherwise. FLOAT and DOUBLE are JSON
// numbers printed with the shortest text that round-trips the double, so a
// float32 (widened to double exactly) is recovered bit for bit; NaN and the
// infinities, which JSON cannot hold, are the strings "NaN", "Infinity",
// "-Infinity". Negative zero is printed as -0 (JSON.stringify alone would
// print 0 and lose the sign bit). NULL is null. Exit status 1 with the error on stderr on failure.
import { randomUUID } from 'node:crypto';
import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';

const wideInts = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

function safeInt(v) {
  if (typeof v !== 'string') return v;
  const b = BigInt(v);
  if (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(b);
  }
  return v;
}

// toJSON is JSON.stringify except that -0 is written as -0: it goes through
// a marker string no real value can equal (a fresh random UUID).
function toJSON(value) {
  const marker = `negzero-${randomUUID()}`;
  const text = JSON.stringify(value, (_, v) => (Object.is(v, -0) ? marker : v));
  return text.split(`"${marker}"`).join('-0');
}

async function rowsOf(conn, sql) {
  const reader = await conn.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const rows = reader.getRowObjectsJson();
  const wide = names.filter((_, i) => wideInts.has(types[i].typeId));
  if (wide.length > 0) {
    for (const row of rows) {
      for (const n of wide) row[n] = safeInt(row[n]);
    }
  }
  return rows;
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.some((a) => a.trim() === '')) {
    process.stderr.write('usage: node query.mjs "SQL" ["SQL" ...]\n');
    process.exit(2);
  }
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const results = [];
    for (const [i, sql] of args.entries()) {
      try {
        results.push(await rowsOf(conn, sql));
      } catch (err) {
        if (args.length > 1) err.message = `query ${i + 1}: ${err.message}`;
        throw err;
      }
    }
    const out = args.length === 1 ? results[0] : results;
    process.stdout.write(toJSON(out) + '\n');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

main().catch((err) => {
  process.stderr.write(`query.mjs: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
