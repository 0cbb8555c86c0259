// Durations in config are given in the unit a person would write; the code runs on milliseconds.
const MS_PER_SECOND = 1000;
const MS_PER_HOUR = 3_600_000;

export const seconds = (n: number): number => n * MS_PER_SECOND;
export const hours = (n: number): number => n * MS_PER_HOUR;
