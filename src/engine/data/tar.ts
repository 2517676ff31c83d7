// A minimal reader for (gzipped) ustar archives: enough to unpack cifar-10-binary.tar.gz.
import { BadInputError } from '../errors';

export function readTar(buf: Buffer, file: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off + 512 <= buf.length) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new BadInputError(`corrupt tar header at byte ${off}`, file);
    const type = String.fromCharCode(header[156] || 48);
    const body = off + 512;
    if (body + size > buf.length) throw new BadInputError(`truncated tar entry ${name}`, file);
    if (type === '0') out.set(prefix ? `${prefix}/${name}` : name, buf.subarray(body, body + size));
    off = body + Math.ceil(size / 512) * 512;
  }
  return out;
}
