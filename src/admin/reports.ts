// Bounce and complaint rates per edition: the reports providers sent about its messages, as a share
// of those sent, against the 0.3 % line above which mailbox providers start to filter a sender.
const RATE_LINE = 0.003;

export interface EditionReports {
  bounces: number;
  complaints: number;
}

/** "0.12 %"; "–" when nothing was sent. */
function rate(part: number, sent: number): string {
  return sent > 0 ? `${((part / sent) * 100).toFixed(2)} %` : "–";
}

export function reportRates(sent: number, reports: EditionReports = { bounces: 0, complaints: 0 }) {
  const over = (n: number) => sent > 0 && n / sent >= RATE_LINE;
  return {
    bounces: reports.bounces,
    complaints: reports.complaints,
    bounceRate: rate(reports.bounces, sent),
    complaintRate: rate(reports.complaints, sent),
    bouncesOver: over(reports.bounces),
    complaintsOver: over(reports.complaints),
  };
}
