// node verify.mjs ENVELOPE.json CONTENT.bin
// Verifies a govbus JSON envelope's detached JWS with jose: CONTENT is the
// RFC 8785 bytes govbus says it signed; the key comes from the x5c header.
import { flattenedVerify, importX509, base64url } from 'jose';
import { readFileSync } from 'node:fs';

const [envelopeFile, contentFile] = process.argv.slice(2);
const envelope = JSON.parse(readFileSync(envelopeFile, 'utf8'));
const [protectedHeader, , signature] = envelope.security.signature.split('.');
const header = JSON.parse(new TextDecoder().decode(base64url.decode(protectedHeader)));
const pem = `-----BEGIN CERTIFICATE-----\n${header.x5c[0].match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
const key = await importX509(pem, header.alg);
const content = readFileSync(contentFile);
await flattenedVerify({ protected: protectedHeader, payload: base64url.encode(content), signature }, key);
console.log(`verified ${header.alg}`);
