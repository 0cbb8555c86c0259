// Bounce and complaint rates per edition, against the 0.3 % line.
import { describe, expect, it } from "vitest";
import { reportRates } from "#src/admin/reports.js";

describe("report rates", () => {
  it.each([
    { sent: 1000, bounces: 2, complaints: 3, bounceRate: "0.20 %", complaintRate: "0.30 %", bouncesOver: false, complaintsOver: true },
    { sent: 1000, bounces: 0, complaints: 2, bounceRate: "0.00 %", complaintRate: "0.20 %", bouncesOver: false, complaintsOver: false },
    { sent: 4, bounces: 1, complaints: 0, bounceRate: "25.00 %", complaintRate: "0.00 %", bouncesOver: true, complaintsOver: false },
    { sent: 0, bounces: 0, complaints: 0, bounceRate: "–", complaintRate: "–", bouncesOver: false, complaintsOver: false },
  ])("$bounces bounces and $complaints complaints of $sent sent: $bounceRate, $complaintRate", ({ sent, bounces, complaints, ...expected }) => {
    expect(reportRates(sent, { bounces, complaints })).toEqual({ bounces, complaints, ...expected });
  });
});
