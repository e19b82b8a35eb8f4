package io.clusterdns.agent.netlink;

/** Numbers of the nf_tables netlink API (linux/netfilter/nf_tables.h, nfnetlink.h) the agent uses. */
final class NfTables {
    private NfTables() {
    }

    static final int NFNL_SUBSYS_NFTABLES = 10;
    static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    static final int NFNL_MSG_BATCH_END = 0x11;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;

    static final int MSG_NEWTABLE = 0;
    static final int MSG_DELTABLE = 2;
    static final int MSG_NEWCHAIN = 3;
    static final int MSG_DELCHAIN = 5;
    static final int MSG_NEWRULE = 6;
    static final int MSG_DELRULE = 8;
    static final int MSG_NEWSET = 9;
    static final int MSG_DELSET = 11;
    static final int MSG_NEWSETELEM = 12;
    static final int MSG_DELSETELEM = 14;
    static final int MSG_GETGEN = 16;

    static int type(int msg) {
        return NFNL_SUBSYS_NFTABLES << 8 | msg;
    }

    static final int NFPROTO_IPV4 = 2;
    static final int NFPROTO_IPV6 = 10;

    static final int TABLE_NAME = 1;
    static final int TABLE_FLAGS = 2;
    static final int TABLE_USERDATA = 6;

    static final int CHAIN_TABLE = 1;
    static final int CHAIN_NAME = 3;
    static final int CHAIN_HOOK = 4;
    static final int CHAIN_POLICY = 5;
    static final int CHAIN_TYPE = 7;
    static final int HOOK_HOOKNUM = 1;
    static final int HOOK_PRIORITY = 2;

    static final int RULE_TABLE = 1;
    static final int RULE_CHAIN = 2;
    static final int RULE_EXPRESSIONS = 4;
    static final int RULE_USERDATA = 7;
    static final int LIST_ELEM = 1;
    static final int EXPR_NAME = 1;
    static final int EXPR_DATA = 2;

    static final int SET_TABLE = 1;
    static final int SET_NAME = 2;
    static final int SET_FLAGS = 3;
    static final int SET_KEY_TYPE = 4;
    static final int SET_KEY_LEN = 5;
    static final int SET_DATA_TYPE = 6;
    static final int SET_DATA_LEN = 7;
    static final int SET_DESC = 9;
    static final int SET_ID = 10;
    static final int SET_TIMEOUT = 11;
    static final int SET_USERDATA = 13;
    static final int SET_DESC_SIZE = 1;
    static final int SET_ANONYMOUS = 0x1;
    static final int SET_CONSTANT = 0x2;
    static final int SET_INTERVAL = 0x4;
    static final int SET_MAP = 0x8;
    static final int SET_TIMEOUT_FLAG = 0x10;
    static final int SET_EVAL = 0x20;
    static final int DATA_VERDICT_TYPE = 0xffffff00;

    static final int SET_ELEM_LIST_TABLE = 1;
    static final int SET_ELEM_LIST_SET = 2;
    static final int SET_ELEM_LIST_ELEMENTS = 3;
    static final int SET_ELEM_LIST_SET_ID = 4;
    static final int SET_ELEM_KEY = 1;
    static final int SET_ELEM_DATA = 2;
    static final int SET_ELEM_FLAGS = 3;
    static final int SET_ELEM_USERDATA = 6;
    static final int SET_ELEM_INTERVAL_END = 1;

    static final int DATA_VALUE = 1;
    static final int DATA_VERDICT = 2;
    static final int VERDICT_CODE = 1;
    static final int VERDICT_CHAIN = 2;
    static final int NF_DROP = 0;
    static final int NFT_JUMP = -3;
    static final int NFT_GOTO = -4;
    static final int NFT_RETURN = -5;

    static final int REG_VERDICT = 0;
}
