import { UsageError } from '../usage-error.js';

/**
 * Collects repeated `--attr key=value` options into one record (commander
 * calls it once per occurrence with the previous record). The value may
 * itself contain `=`.
 *
 * @example
 * ```ts
 * command.option('--attr <key=value>', 'attribute (repeatable)', collectAttribute, {});
 * ```
 */
export function collectAttribute(
  text: string,
  previous: Record<string, string>,
): Record<string, string> {
  const separator = text.indexOf('=');
  if (separator <= 0) throw new UsageError(`--attr expects key=value, got "${text}"`);
  return { ...previous, [text.slice(0, separator)]: text.slice(separator + 1) };
}
