// A plain POSIX tar of files chosen in the browser, as a Blob made of the files themselves: nothing is read into
// memory, so a folder of many gigabytes uploads as it is. Names too long for the header, or not ASCII, and files of
// 8 GiB or more get a pax extended header, as GNU tar writes them.

const BLOCK = 512;
const MAX_OCTAL_SIZE = 8 ** 11 - 1;
const encoder = new TextEncoder();

/**
 * The tar of `entries` ([{ path, file }], `path` '/'-separated and relative, `file` a Blob with a size), as a Blob of
 * type application/x-tar.
 */
export function tarball(entries) {
  const parts = [];
  const mtime = Math.floor(Date.now() / 1000);
  for (const { path, file } of entries) {
    const name = encoder.encode(path);
    const records = [];
    if (name.length > 100 || /[^\x20-\x7e]/.test(path)) records.push(['path', path]);
    if (file.size > MAX_OCTAL_SIZE) records.push(['size', String(file.size)]);
    if (records.length > 0) {
      const body = encoder.encode(records.map(([key, value]) => paxRecord(key, value)).join(''));
      parts.push(header({ name: encoder.encode('PaxHeader'), size: body.length, mtime, type: 'x' }), body, padding(body.length));
    }
    const shortName = name.length > 100 ? name.slice(0, 100) : name;
    parts.push(header({ name: shortName, size: file.size > MAX_OCTAL_SIZE ? 0 : file.size, mtime, type: '0' }), file,
      padding(file.size));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return new Blob(parts, { type: 'application/x-tar' });
}

/** A pax record "<length> <key>=<value>\n", whose length counts itself. */
function paxRecord(key, value) {
  const rest = ` ${key}=${value}\n`;
  const restBytes = encoder.encode(rest).length;
  let length = restBytes + 1;
  while (String(length).length + restBytes !== length) length = String(length).length + restBytes;
  return `${length}${rest}`;
}

function header({ name, size, mtime, type }) {
  const block = new Uint8Array(BLOCK);
  block.set(name.slice(0, 100), 0);
  octal(block, 100, 8, 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, mtime);
  block.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  block[156] = type.charCodeAt(0);
  block.set(encoder.encode('ustar\u000000'), 257);
  let sum = 0;
  for (const byte of block) sum += byte;
  const checksum = encoder.encode(`${sum.toString(8).padStart(6, '0')}\u0000 `);
  block.set(checksum, 148);
  return block;
}

/** `value` in octal digits, zero-padded, ending with a NUL, in `length` bytes at `offset`. */
function octal(block, offset, length, value) {
  block.set(encoder.encode(`${value.toString(8).padStart(length - 1, '0')}\u0000`), offset);
}

function padding(size) {
  const rest = size % BLOCK;
  return new Uint8Array(rest === 0 ? 0 : BLOCK - rest);
}
