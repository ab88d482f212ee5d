// The part of autocannon's programmatic API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  interface Stats {
    average: number;
    mean: number;
    p50: number;
    p99: number;
    total: number;
  }
  interface Result {
    requests: Stats;
    latency: Stats;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }
  interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    /** Called before each request: returns the request to send (a new body each time, say). */
    setupRequest?: (request: Request) => Request;
  }
  interface Options {
    url: string;
    connections?: number;
    headers?: Record<string, string>;
    duration?: number;
    /** Total requests to send (instead of a duration). */
    amount?: number;
    requests?: Request[];
    warmup?: { connections?: number; duration?: number };
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
