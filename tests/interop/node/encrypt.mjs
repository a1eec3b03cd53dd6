// node encrypt.mjs PLAINTEXT.bin CERT.pem ALG KID
// Encrypts PLAINTEXT (the RFC 8785 bytes of a payload) for the certificate's
// key as govbus expects in security.encrypted: compact JWE, enc A256GCM.
import { CompactEncrypt, importX509 } from 'jose';
import { readFileSync } from 'node:fs';

const [plainFile, certFile, alg, kid] = process.argv.slice(2);
const key = await importX509(readFileSync(certFile, 'utf8'), alg);
const jwe = await new CompactEncrypt(readFileSync(plainFile))
  .setProtectedHeader({ alg, enc: 'A256GCM', kid })
  .encrypt(key);
process.stdout.write(jwe);
