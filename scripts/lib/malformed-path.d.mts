import type { IncomingMessage, ServerResponse } from "node:http";

export declare const NOT_FOUND_PATH: string;
export declare function hasMalformedEscapes(pathname: string): boolean;
export declare function answerMalformedPath(req: IncomingMessage, res: ServerResponse): boolean;
