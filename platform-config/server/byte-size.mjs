// Sizes in settings: a whole number of bytes, or with a binary unit (K, M, G, T; "KiB",
// "MB" and so on read the same: 1 G = 2^30 bytes).
export const DEFAULT_STOW_MAX_BYTES = 2 ** 31; // 2 GiB

const UNITS = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * @param {string | undefined} text
 * @param {string} name  the setting's name, for the message
 * @param {number} fallback
 * @returns {number}
 */
export function parseByteSize(text, name, fallback) {
  if (text === undefined || text.trim() === '') return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[/** @type {keyof typeof UNITS} */ (m[2].toUpperCase())]) : NaN;
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) throw new Error(`${name} must be a size such as 2147483648, 500M or 2G (got "${text}")`);
  return bytes;
}
