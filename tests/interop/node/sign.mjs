// node sign.mjs CONTENT.bin KEY.pem CERT.pem ALG
// Makes the detached JWS a govbus envelope carries in security.signature
// ("protected..signature") over CONTENT, the envelope's RFC 8785 bytes.
import { FlattenedSign, importPKCS8 } from 'jose';
import { readFileSync } from 'node:fs';

const [contentFile, keyFile, certFile, alg] = process.argv.slice(2);
const der64 = readFileSync(certFile, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
const key = await importPKCS8(readFileSync(keyFile, 'utf8'), alg);
const jws = await new FlattenedSign(readFileSync(contentFile))
  .setProtectedHeader({ alg, typ: 'govbus+jws', x5c: [der64] })
  .sign(key);
process.stdout.write(`${jws.protected}..${jws.signature}`);
