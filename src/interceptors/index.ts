import type { Interceptor } from './interceptor';
import { httpInterceptor } from './http';
import { undiciInterceptor } from './undici';
import { http2Interceptor } from './http2';

export const interceptors: readonly Interceptor[] = [httpInterceptor, undiciInterceptor, http2Interceptor];
export type { Interceptor, Recorder, StartRecording } from './interceptor';
