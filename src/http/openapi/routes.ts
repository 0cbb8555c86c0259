// The routes an express app answers, read from its router: what the document must cover.
import type { Express } from "express";

export interface RouteRef {
  method: string;
  /** OpenAPI form: "/api/articles/{slug}". */
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Every method + path registered with app.get/post/…, in order. */
export function registeredRoutes(app: Express): RouteRef[] {
  const stack = (app.router as unknown as { stack: Layer[] }).stack;
  return stack.flatMap(({ route }) => {
    if (!route) return [];
    const paths = Array.isArray(route.path) ? route.path : [route.path];
    const methods = Object.keys(route.methods).filter((m) => route.methods[m] && m !== "_all");
    return paths.flatMap((path) => methods.map((method) => ({ method, path: path.replace(/:(\w+)/g, "{$1}") })));
  });
}
