import type { Server } from 'node:http';

/** Listens and resolves with the bound port; a busy port rejects with a message naming PORT. */
export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new Error(`PORT ${port} is already in use; set PORT to a free port, e.g. PORT=3001`));
      else reject(error);
    });
    server.listen(port, resolve);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
