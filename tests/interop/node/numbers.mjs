// node numbers.mjs BITS.txt
// For each line (an IEEE 754 double as 16 hex digits) prints how ECMAScript
// writes it in JSON (ECMA-262 §7.1.12.1), the form RFC 8785 §3.2.2.3 adopts.
import { readFileSync } from 'node:fs';

const view = new DataView(new ArrayBuffer(8));
const out = [];
for (const hex of readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)) {
  view.setBigUint64(0, BigInt(`0x${hex}`));
  out.push(JSON.stringify(view.getFloat64(0)));
}
process.stdout.write(`${out.join('\n')}\n`);
