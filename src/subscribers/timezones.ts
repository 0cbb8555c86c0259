// Time zones: the list a subscriber picks from, and the names accepted from them.
// Node's ICU lists some zones under names IANA has since replaced (Node 20: Europe/Kiev for
// Europe/Kyiv); the list offers the current names, and the replaced ones stay accepted.

/** Replaced IANA names → current ones (IANA "backward" links that ICU still treats as canonical). */
const RENAMED: Record<string, string> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** ICU's own name for the zone, or undefined when ICU does not know it. */
function resolved(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The zones offered, under their current IANA names, UTC first. */
export const TIME_ZONES: readonly string[] = (() => {
  const current = Intl.supportedValuesOf("timeZone").map((zone) => {
    const renamed = RENAMED[zone];
    return renamed && resolved(renamed) ? renamed : zone;
  });
  return ["UTC", ...[...new Set(current)].filter((zone) => zone !== "UTC").sort()];
})();

// Every known spelling, by its lower case: offered, replaced, and ICU's own list.
const KNOWN = new Map([...Object.keys(RENAMED), ...Intl.supportedValuesOf("timeZone"), ...TIME_ZONES].map((zone) => [zone.toLowerCase(), zone]));

/**
 * The zone as the subscriber named it, in IANA's letter case ("europe/kyiv" → "Europe/Kyiv"), or
 * undefined when it is no time zone. A replaced name stays as given (Europe/Kiev is kept, not
 * rewritten): it still works, and it is what they chose.
 */
export function timeZoneName(value: string): string | undefined {
  const icu = resolved(value);
  if (!icu) return undefined;
  return KNOWN.get(value.toLowerCase()) ?? (icu.toLowerCase() === value.toLowerCase() ? icu : value);
}
