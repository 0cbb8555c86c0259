// The URLs a subscriber's tokens travel in (emails, pages, List-Unsubscribe).
const link = (path: string) => (baseUrl: string, token: string) => `${baseUrl.replace(/\/+$/, "")}/${path}?token=${encodeURIComponent(token)}`;

export const confirmUrl = link("confirm");
export const preferencesUrl = link("preferences");
export const unsubscribeUrl = link("unsubscribe");
