/**
 * A form field's text (trimmed), or empty when absent or a file: what every
 * form of the dashboard reads from its `FormData`.
 *
 * @example
 * ```ts
 * const key = formText(new FormData(form), 'apiKey');
 * ```
 */
export function formText(data: FormData, name: string, options: { trim?: boolean } = {}): string {
  const value = data.get(name);
  if (typeof value !== 'string') return '';
  return options.trim === false ? value : value.trim();
}
