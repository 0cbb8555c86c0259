// Counts in words: "1 subscriber", "2 subscribers", "0 failed deliveries". English only, as the rest of the text.
const rules = new Intl.PluralRules("en");
const numbers = new Intl.NumberFormat("en");

/** The plural of a regular English noun phrase: its last word takes -s, -es or -ies. */
export function pluralOf(singular: string): string {
  if (/[^aeiou]y$/.test(singular)) return `${singular.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(singular)) return `${singular}es`;
  return `${singular}s`;
}

/** `n` and the noun in the form English gives it: plural(1, "subscriber") is "1 subscriber"; plural(1200, "key") "1,200 keys". */
export function plural(n: number, singular: string, pluralForm = pluralOf(singular)): string {
  return `${numbers.format(n)} ${rules.select(n) === "one" ? singular : pluralForm}`;
}
