// node decrypt.mjs ENVELOPE.json KEY.pem
// Decrypts a govbus JSON envelope's security.encrypted (compact JWE) with jose.
import { compactDecrypt, importPKCS8, decodeProtectedHeader } from 'jose';
import { readFileSync } from 'node:fs';

const [envelopeFile, keyFile] = process.argv.slice(2);
const envelope = JSON.parse(readFileSync(envelopeFile, 'utf8'));
const jwe = envelope.security.encrypted;
const { alg } = decodeProtectedHeader(jwe);
const key = await importPKCS8(readFileSync(keyFile, 'utf8'), alg);
const { plaintext } = await compactDecrypt(jwe, key);
process.stdout.write(new TextDecoder().decode(plaintext));
